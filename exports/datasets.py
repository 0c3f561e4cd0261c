"""Tasks and progress reports as flat rows, written as CSV or JSON for other tools.

Rows are plain dicts with stable English keys (the JSON field names and the CSV header), so a
script can rely on them; the CSV header carries the Chinese label beside each key.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from core import clock
from plans.lights import Light, annotate_lights, visible_report_q
from plans.models import Assignment, AssignmentRole, AssignmentStatus, Plan, ProgressReport, ProgressStatus

TASK_COLUMNS = {
    "plan": "计划文号",
    "task_path": "任务编号",
    "task": "工作任务",
    "part": "所属部分",
    "unit": "承办单位",
    "role": "承办方式",
    "status": "办理状态",
    "light": "灯色",
    "percent": "完成进度",
    "deadline": "完成时限",
    "deadline_text": "时限原文",
    "acknowledged_at": "签收时间",
    "completed_at": "办结时间",
    "updated_at": "更新时间",
}
REPORT_COLUMNS = {
    "plan": "计划文号",
    "task_path": "任务编号",
    "task": "工作任务",
    "unit": "承办单位",
    "role": "承办方式",
    "period": "报送期次",
    "period_start": "期次开始",
    "period_end": "期次结束",
    "due_on": "报送截止日",
    "filed_at": "填报时间",
    "on_time": "按时报送",
    "percent": "完成进度",
    "progress_status": "进展状态",
    "text": "进展情况",
    "delay_reason": "滞后原因",
    "no_change": "较上期无变化",
    "corrects": "更正的报告",
    "author": "填报人",
    "report_id": "报告编号",
}


def _moment(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _part_labels(plan: Plan) -> dict[int, str]:
    """Return {section id: its part's label} for every section of the plan."""
    from exports.monthly import section_label

    sections = {row["id"]: row for row in plan.sections.values("id", "parent_id", "number", "title")}
    labels = {}
    for section_id in sections:
        root = sections[section_id]
        while root["parent_id"] in sections:
            root = sections[root["parent_id"]]
        labels[section_id] = section_label(root["number"], root["title"], 1)
    return labels


def _labels(choices) -> dict[str, str]:
    """Return {value: label} of a choices class, translated once (not once per row)."""
    return {value: str(label) for value, label in choices.choices}


def task_rows(*, plan: Plan, unit: Unit | None = None, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Return one row per assignment of the plan (the unit's only, when given), with today's light."""
    today = timezone.localdate(now or clock.now())
    parts = _part_labels(plan)
    queryset = Assignment.objects.filter(task__plan=plan)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    queryset = annotate_lights(queryset, today=today).order_by("task__position", "role", "unit__sort_order", "pk")
    role_labels, status_labels = _labels(AssignmentRole), _labels(AssignmentStatus)
    light_labels = _labels(Light)
    rows = []
    for row in queryset.values(
        "task__path",
        "task__headline",
        "task__section_id",
        "task__deadline_text",
        "unit__name",
        "role",
        "status",
        "light",
        "percent",
        "effective_due",
        "acknowledged_at",
        "completed_at",
        "updated_at",
    ).iterator(chunk_size=2000):
        rows.append(
            {
                "plan": plan.doc_number or plan.title,
                "task_path": row["task__path"],
                "task": row["task__headline"],
                "part": parts.get(row["task__section_id"], ""),
                "unit": row["unit__name"],
                "role": role_labels[row["role"]],
                "status": status_labels[row["status"]],
                "light": light_labels[row["light"]],
                "percent": 100 if row["status"] == AssignmentStatus.COMPLETED else row["percent"],
                "deadline": row["effective_due"].isoformat() if row["effective_due"] else "",
                "deadline_text": row["task__deadline_text"],
                "acknowledged_at": _moment(row["acknowledged_at"]),
                "completed_at": _moment(row["completed_at"]),
                "updated_at": _moment(row["updated_at"]),
            }
        )
    return rows


def report_rows(*, plan: Plan, unit: Unit | None = None, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Return every report of the plan the bureau can see (the unit's only, when given), oldest period first.

    Corrections are rows of their own that name the report they correct, as in the history.
    """
    queryset = ProgressReport.objects.filter(visible_report_q(), assignment__task__plan=plan)
    if now is not None:
        queryset = queryset.filter(created_at__lt=now)
    if unit is not None:
        queryset = queryset.filter(assignment__unit=unit)
    role_labels, status_labels = _labels(AssignmentRole), _labels(ProgressStatus)
    rows = []
    for row in (
        queryset.order_by("assignment__task__position", "assignment__unit__sort_order", "period_start", "created_at")
        .annotate(author_name=F("author__full_name"))
        .values(
            "id",
            "assignment__task__path",
            "assignment__task__headline",
            "assignment__unit__name",
            "assignment__role",
            "period_key",
            "period_start",
            "period_end",
            "due_on",
            "created_at",
            "percent",
            "status",
            "text",
            "delay_reason",
            "is_no_change",
            "supersedes_id",
            "author_name",
        )
        .iterator(chunk_size=2000)
    ):
        filed = timezone.localdate(row["created_at"])
        rows.append(
            {
                "plan": plan.doc_number or plan.title,
                "task_path": row["assignment__task__path"],
                "task": row["assignment__task__headline"],
                "unit": row["assignment__unit__name"],
                "role": role_labels[row["assignment__role"]],
                "period": row["period_key"],
                "period_start": row["period_start"].isoformat(),
                "period_end": row["period_end"].isoformat(),
                "due_on": row["due_on"].isoformat() if row["due_on"] else "",
                "filed_at": _moment(row["created_at"]),
                "on_time": None if row["due_on"] is None else filed <= row["due_on"],
                "percent": row["percent"],
                "progress_status": status_labels[row["status"]],
                "text": row["text"],
                "delay_reason": row["delay_reason"],
                "no_change": row["is_no_change"],
                "corrects": row["supersedes_id"],
                "author": row["author_name"] or "",
                "report_id": row["id"],
            }
        )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    """Return rows as UTF-8 CSV with a byte-order mark (Excel opens it in Chinese), header "key（标签）"."""
    buffer = io.StringIO()
    if rows:
        keys = list(rows[0])
        labels = {**TASK_COLUMNS, **REPORT_COLUMNS}
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([f"{key}（{_(labels[key])}）" if key in labels else key for key in keys])
        words = {True: _("是"), False: _("否"), None: ""}  # booleans as words, None as an empty cell

        def cell(value: Any) -> Any:
            return words[value] if value is None or isinstance(value, bool) else value

        for row in rows:
            writer.writerow([cell(row[key]) for key in keys])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(rows: list[dict[str, Any]], *, plan: Plan, kind: str, now: datetime.datetime | None = None) -> bytes:
    """Return rows as a JSON document with the plan and the moment of export."""
    document = {
        "plan": {"id": plan.pk, "title": plan.title, "doc_number": plan.doc_number, "year": plan.plan_year},
        "kind": kind,
        "exported_at": _moment(now or clock.now()),
        "count": len(rows),
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
