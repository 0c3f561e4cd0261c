"""What units and supervisors write in the demo history: progress notes, reasons and replies."""

from __future__ import annotations

import random

ACTIONS = [
    "召开专题推进会，细化任务分工和时间节点",
    "制定工作方案并报分管领导审定",
    "开展自查自纠，梳理问题{n}条并逐项整改",
    "组织相关人员参加专题培训{n}人次",
    "完成阶段性材料汇编并归档",
    "深入基层开展调研{n}次，收集意见建议",
    "对照年度目标开展中期评估",
    "协调相关科室落实经费和场地",
    "建立工作台账，实行周调度",
    "召开家长、教师座谈会{n}场",
    "完成专项检查{n}所次，发现问题均已反馈整改",
    "印发工作指引并组织解读",
]
NEXT_STEPS = [
    "下一步将按时间节点抓好落实。",
    "下一步将加强跟踪督促，确保按期完成。",
    "下一步将总结经验，做好常态化推进。",
    "下一步将对照问题清单逐项销号。",
    "下一步将配合牵头单位做好阶段验收。",
]
DELAY_REASONS = [
    "受台风天气影响，部分施工和集中活动暂停，工期顺延约两周；已调整计划，增加人手赶工。",
    "项目招标流程较长，施工单位尚未确定；已与财政部门沟通，争取下月完成招标。",
    "疫情防控要求调整，集中培训和现场活动延后；已改为线上方式先行开展。",
    "专项经费尚未下达，设备采购推迟；已打报告申请提前拨付。",
    "牵头人员岗位调整，工作交接中有所延误；已明确新的责任人。",
]


def progress_text(rng: random.Random, *, headline: str, month: int, percent: int, co_unit: bool) -> str:
    """Return a monthly progress note for a task, as a unit's clerk would write it."""
    first, second = rng.sample(ACTIONS, 2)
    first = first.format(n=rng.randint(2, 12))
    second = second.format(n=rng.randint(2, 12))
    role = "配合牵头单位" if co_unit else "牵头"
    return (
        f"{month}月，{role}推进“{headline}”：{first}；{second}。目前完成年度任务约{percent}%。{rng.choice(NEXT_STEPS)}"
    )


def completion_summary(*, headline: str, year: int) -> str:
    """Return what a unit writes when it asks to close a task."""
    return (
        f"“{headline}”{year}年度任务已按计划完成：工作方案、过程台账和总结材料齐全，"
        "相关数据已报送督查室，佐证材料见附件或已归档备查。"
    )
