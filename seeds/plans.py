"""Import the seed documents as demo plans: 002 (湖里区教育局2020年工作要点) published with owners, the rest drafts."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from accounts.models import User
from plans.models import Plan, PlanImport
from plans.services.import_review import plan_import_update_review
from plans.services.imports import plan_import_confirm, plan_import_start
from plans.services.plans import plan_publish

SEEDS = Path(__file__).resolve().parent
PUBLISHED = "002_c97d9de1b7c49a7b.txt"
# (plan year, title) as a clerk would type them where the document leaves them out (202x, XX年, no title).
DRAFTS = {
    "000_adadd012ee4f12e7.txt": (None, None),
    "001_741ab88d1da12a30.txt": (None, None),
    "003_c999a5b0f9dafbbf.sample4.txt": (2021, None),
    "004_c7b734d525e95475.txt": (2023, "县教育局2023年工作要点"),
}

# Item number → (lead unit, co-units) for the published demo plan; groups expand to every such unit.
OWNERS_002 = {
    "1": ("组织干部科", "机关党委"),
    "2": ("机关党委", "组织干部科"),
    "3": ("纪检监察室", "机关党委"),
    "4": ("办公室", "湖里区教育研究中心"),
    "5": ("德育与体卫艺科", "湖里区教育研究中心"),
    "6": ("德育与体卫艺科", "全部学校"),
    "7": ("德育与体卫艺科", "湖里区少年儿童业余体育学校"),
    "8": ("德育与体卫艺科", ""),
    "9": ("湖里区教师进修学校", "办公室"),
    "10": ("办公室", "德育与体卫艺科"),
    "11": ("湖里区区域教育中心建设专班", "计划财务科、学前教育科"),
    "12": ("学前教育科", "全部幼儿园"),
    "13": ("基础教育科", "全部学校"),
    "14": ("基础教育科", "湖里区教育研究中心"),
    "15": ("基础教育科", "厦门市湖里区特殊教育学校"),
    "16": ("湖里区青少年宫", "湖里区少年儿童业余体育学校"),
    "17": ("基础教育科", "湖里区教师进修学校"),
    "18": ("人事科", "组织干部科"),
    "19": ("人事科", ""),
    "20": ("湖里区教师进修学校", "人事科"),
    "21": ("计划财务科", "人事科"),
    "22": ("德育与体卫艺科", "全部学校和幼儿园"),
    "23": ("招生考试中心", "基础教育科"),
    "24": ("湖里区教育技术与装备中心", "湖里区教育研究中心"),
    "25": ("办公室", "政策法规与安全科"),
    "26": ("政策法规与安全科", ""),
    "27": ("计划财务科", ""),
    "28": ("计划财务科", ""),
    "29": ("教育督导室", ""),
    "30": ("政策法规与安全科", "全部学校和幼儿园"),
}


def _import(actor: User, filename: str, *, plan_year: int | None) -> PlanImport:
    data = (SEEDS / filename).read_bytes()
    return plan_import_start(actor=actor, filename=filename, data=data, plan_year=plan_year)


@transaction.atomic
def seed_demo_plans(actor: User) -> list[Plan]:
    """Import the seed documents that are not imported yet; return the plans created."""
    created: list[Plan] = []
    if not Plan.objects.filter(source_name=PUBLISHED).exists():
        record = _import(actor, PUBLISHED, plan_year=None)
        rows = {}
        for row in record.review["rows"]:
            if row["kind"] == "item" and row["number"] in OWNERS_002:
                lead, co = OWNERS_002[row["number"]]
                rows[row["id"]] = {"include": "on", "title": row["title"], "lead": lead, "co": co}
        plan_import_update_review(actor=actor, plan_import=record, metadata={}, rows=rows)
        plan = plan_import_confirm(actor=actor, plan_import=record)
        created.append(plan_publish(actor=actor, plan=plan))
    for filename, (year, title) in DRAFTS.items():
        if Plan.objects.filter(source_name=filename).exists():
            continue
        record = _import(actor, filename, plan_year=year)
        if title:
            plan_import_update_review(actor=actor, plan_import=record, metadata={"title": title}, rows={})
        created.append(plan_import_confirm(actor=actor, plan_import=record))
    return created
