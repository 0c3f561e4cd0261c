"""Import the seed documents as demo plans.

002 (湖里区教育局2020年工作要点) is published on the day it was issued, 2 July 2020, with owners;
004 (its year written 202x) becomes this year's live plan, published on the first working day of
January; the rest stay drafts.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from accounts.models import User
from core import clock
from plans.models import Plan, PlanImport
from plans.services.import_review import plan_import_update_review
from plans.services.imports import plan_import_confirm, plan_import_start
from plans.services.plans import plan_publish, task_update
from seeds.moments import first_working_day_of_january, office_time

SEEDS = Path(__file__).resolve().parent
PUBLISHED = "002_c97d9de1b7c49a7b.txt"
PUBLISHED_AT = datetime.datetime(2020, 7, 2, 9, 30)  # the document's date: 厦湖教〔2020〕132号, 2020年7月2日
LIVE = "004_c7b734d525e95475.txt"
# (plan year, title) as a clerk would type them where the document leaves them out (202x, XX年, no title).
DRAFTS = {
    "000_adadd012ee4f12e7.txt": (None, None),
    "001_741ab88d1da12a30.txt": (None, None),
    "003_c999a5b0f9dafbbf.sample4.txt": (2021, None),
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

# Item path → (lead unit, co-units) for the live plan (004's items are unnumbered paragraphs).
OWNERS_004 = {
    "一.1": ("机关党委", "组织干部科"),
    "一.2": ("组织干部科", "机关党委"),
    "二.1": ("人事科", "全部学校"),
    "二.2": ("人事科", "组织干部科"),
    "二.3": ("湖里区教师进修学校", "人事科、厦门市湖里区实验小学"),
    "三.1": ("基础教育科", "厦门市湖里区实验小学、厦门市湖里区金山小学"),
    "三.2": ("湖里区教育技术与装备中心", "厦门市湖里区实验小学"),
    "三.3": ("计划财务科", "基础教育科、厦门市湖里区实验小学"),
    "四.1": ("基础教育科", "湖里区教育研究中心、厦门市湖里区实验小学"),
    "四.2": ("德育与体卫艺科", "基础教育科、厦门市湖里区实验小学"),
    "五.1": ("政策法规与安全科", "办公室"),
    "五.2": ("基础教育科", "招生考试中心"),
    "六.1": ("办公室", "湖里区教育研究中心"),
    "七.1": ("基础教育科", "厦门市湖里区特殊教育学校、学前教育科"),
}
# Items of the live plan that run all year without a fixed deadline (持续推进).
ONGOING_004 = ("一.1", "四.1", "四.2", "六.1")


def _import(actor: User, filename: str, *, plan_year: int | None) -> PlanImport:
    data = (SEEDS / filename).read_bytes()
    return plan_import_start(actor=actor, filename=filename, data=data, plan_year=plan_year)


def _owner_rows(record: PlanImport, owners: dict[str, tuple[str, str]], *, key: str) -> dict[str, dict]:
    """Return the review corrections that give each item its owners; `key` is "number" or "path"."""
    rows = {}
    for row in record.review["rows"]:
        name = row["number"] if key == "number" else ".".join(row["path"])
        if row["kind"] == "item" and name in owners:
            lead, co = owners[name]
            rows[row["id"]] = {"include": "on", "title": row["title"], "lead": lead, "co": co}
    return rows


def live_plan_year() -> int:
    """Return the year of the live demo plan: this year."""
    return clock.today().year


def live_publication_moment() -> datetime.datetime:
    """Return when the live plan was published: the first working day of January at 9:00, never after now.

    Published today (the demo built on New Year's Day or before nine), it is dated a few minutes ago,
    before the story's events squeezed into the last minute and a half.
    """
    day = min(first_working_day_of_january(live_plan_year()), clock.today())
    return min(office_time(day, 9), clock.now() - datetime.timedelta(minutes=5))


def _publish_2020(actor: User) -> Plan:
    with clock.frozen_at(PUBLISHED_AT):
        record = _import(actor, PUBLISHED, plan_year=None)
        rows = _owner_rows(record, OWNERS_002, key="number")
        plan_import_update_review(actor=actor, plan_import=record, metadata={}, rows=rows)
        plan = plan_import_confirm(actor=actor, plan_import=record)
        return plan_publish(actor=actor, plan=plan)


def _publish_live(actor: User) -> Plan:
    year = live_plan_year()
    with clock.frozen_at(live_publication_moment()):
        record = _import(actor, LIVE, plan_year=year)
        metadata = {"title": f"县教育局{year}年工作要点", "issued_on": clock.today().isoformat()}
        rows = _owner_rows(record, OWNERS_004, key="path")
        plan_import_update_review(actor=actor, plan_import=record, metadata=metadata, rows=rows)
        plan = plan_import_confirm(actor=actor, plan_import=record)
        for task in plan.tasks.filter(path__in=ONGOING_004).order_by("position"):
            task_update(actor=actor, task=task, deadline=None, deadline_text="持续推进")
        return plan_publish(actor=actor, plan=plan)


@transaction.atomic
def seed_demo_plans(actor: User) -> list[Plan]:
    """Import the seed documents that are not imported yet; return the plans created."""
    created: list[Plan] = []
    if not Plan.objects.filter(source_name=PUBLISHED).exists():
        created.append(_publish_2020(actor))
    for filename, (year, title) in DRAFTS.items():
        if Plan.objects.filter(source_name=filename).exists():
            continue
        record = _import(actor, filename, plan_year=year)
        if title:
            plan_import_update_review(actor=actor, plan_import=record, metadata={"title": title}, rows={})
        created.append(plan_import_confirm(actor=actor, plan_import=record))
    if not Plan.objects.filter(source_name=LIVE).exists():
        created.append(_publish_live(actor))
    return created
