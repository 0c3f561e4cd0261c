"""Import a plan document (立项): upload, parse, review and correct, then create everything in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Unit, UnitKind, User
from accounts.services import unit_create
from audit.services import audit_created, audit_record
from plans.importers.document import DocumentError
from plans.importers.pipeline import parse_document
from plans.importers.readers import read_document, read_text
from plans.models import (
    Assignment,
    AssignmentRole,
    ImportStatus,
    Milestone,
    Plan,
    PlanImport,
    PlanStatus,
    Section,
    Task,
)
from plans.policies import require_manage_plans
from plans.services.import_review import (
    PlanImportError,
    build_review,
    included_rows,
    parse_date,
    review_diff,
    task_path,
    unit_candidates,
)

SYNC_PARSE_MAX_BYTES = 300 * 1024  # larger documents are parsed by a worker, with a progress bar


# --- Upload and parse ---------------------------------------------------------------------


def import_max_bytes() -> int:
    """Return the largest plan document accepted."""
    return getattr(settings, "PLAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


IMPORT_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".xlsx")


def unsupported_file_reason(filename: str) -> str:
    """Return why a plan document of this name cannot be read, or "" when its type is supported.

    The upload form and the API check the name with this before anything is stored; the readers then
    check the content itself, with a message for each kind of file they recognise.
    """
    if filename.lower().endswith(IMPORT_SUFFIXES):
        return ""
    return _("不支持这种文件。请上传 .docx、.pdf、.txt、.html 或 .xlsx 文件；旧版 .doc/.xls 请先另存为新格式。")


@transaction.atomic
def plan_import_start(
    *,
    actor: User,
    filename: str = "",
    data: bytes = b"",
    pasted_text: str = "",
    plan_year: int | None = None,
    previous_plan: Plan | None = None,
) -> PlanImport:
    """Keep an uploaded file or pasted text and parse it: at once when small, else in a worker."""
    require_manage_plans(actor)
    if not data and not pasted_text.strip():
        raise PlanImportError("请上传文件或粘贴文本。上传的文件是空的。" if filename else "请上传文件或粘贴文本。")
    if len(data) > import_max_bytes():
        raise PlanImportError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），不能超过 {import_max_bytes() // 1024 // 1024} MB。"
        )
    record = PlanImport(
        source_name=filename[:200],
        pasted_text=pasted_text,
        plan_year=plan_year,
        previous_plan=previous_plan,
        created_by=actor,
    )
    if data:
        record.source_file.save(filename or "document", ContentFile(data), save=False)
    record.save()
    audit_created(actor=actor, instance=record, verb="plan_import.start")
    if len(data) + len(pasted_text.encode()) <= SYNC_PARSE_MAX_BYTES:
        plan_import_parse(plan_import_id=record.pk)
        record.refresh_from_db()
    else:
        from plans.tasks import parse_plan_import

        transaction.on_commit(lambda: parse_plan_import.delay(record.pk))
    return record


def _set_progress(plan_import_id: int, progress: int) -> None:
    PlanImport.objects.filter(pk=plan_import_id, status=ImportStatus.PARSING).update(progress=progress)


def plan_import_parse(*, plan_import_id: int) -> PlanImport:
    """Parse the document of an import into its review tree; idempotent (a parsed import is left alone)."""
    record = PlanImport.objects.get(pk=plan_import_id)
    if record.status != ImportStatus.PARSING:
        return record
    _set_progress(record.pk, 10)
    try:
        if record.source_file:
            with record.source_file.open("rb") as handle:
                document = read_document(
                    record.source_name or record.source_file.name, handle.read(), max_bytes=import_max_bytes()
                )
        else:
            document = read_text(record.pasted_text)
        _set_progress(record.pk, 40)
        parsed = parse_document(document, plan_year=record.plan_year)
        _set_progress(record.pk, 70)
        review = build_review(parsed, candidates=unit_candidates())
        review["format"] = document.format
        review["warnings"] = [*document.warnings, *review["warnings"]]
        if record.previous_plan_id:
            review["diff"] = review_diff(review, record.previous_plan)
    except DocumentError as exc:
        PlanImport.objects.filter(pk=record.pk).update(status=ImportStatus.FAILED, error=str(exc), progress=100)
    else:
        status = ImportStatus.READY
        error = ""
        if not any(row["kind"] == "item" for row in review["rows"]):
            status, error = ImportStatus.FAILED, "文件中没有找到可以作为任务的条目。请检查文件内容，或粘贴正文后重试。"
        PlanImport.objects.filter(pk=record.pk).update(
            status=status,
            error=error,
            review=review,
            progress=100,
            source_format=document.format,
            plan_year=review["metadata"]["plan_year"],
        )
    record.refresh_from_db()
    return record


# --- Confirm --------------------------------------------------------------------------------


def _guess_kind(name: str) -> str:
    if "幼儿园" in name:
        return UnitKind.KINDERGARTEN
    if any(word in name for word in ("学校", "小学", "中学", "一中", "二中", "学院")):
        return UnitKind.SCHOOL
    if name.endswith(("科", "室", "办", "办公室", "委", "股")):
        return UnitKind.DEPARTMENT
    if any(word in name for word in ("中心", "专班", "少年宫", "进修")):
        return UnitKind.AFFILIATED
    return UnitKind.OTHER


def _assignment_units(row: dict, new_units: Mapping[str, Unit]) -> tuple[int | None, list[int]]:
    def ids(entry: dict | None) -> list[int]:
        if not entry:
            return []
        if entry.get("unit_id"):
            return [entry["unit_id"]]
        if entry.get("group_unit_ids"):
            return list(entry["group_unit_ids"])
        unit = new_units.get(entry["written"])
        return [unit.pk] if unit else []

    lead_entry = row.get("lead")
    lead_ids = ids(lead_entry) if lead_entry and not lead_entry.get("group_unit_ids") else []
    co_ids: list[int] = []
    if lead_entry and lead_entry.get("group_unit_ids"):
        co_ids.extend(lead_entry["group_unit_ids"])
    for entry in row.get("co", []):
        co_ids.extend(ids(entry))
    lead = lead_ids[0] if lead_ids else None
    return lead, [unit_id for unit_id in dict.fromkeys(co_ids) if unit_id != lead]


@transaction.atomic
def plan_import_confirm(*, actor: User, plan_import: PlanImport, create_units: Iterable[str] = ()) -> Plan:
    """Create the plan, its sections, tasks, milestones and assignments from the reviewed tree, all or nothing."""
    require_manage_plans(actor)
    record = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if record.status != ImportStatus.READY:
        raise PlanImportError("这次导入已经立项或已取消，不能再次确认。")
    review = record.review
    meta = review["metadata"]
    problems = []
    if not meta.get("title"):
        problems.append("请填写计划标题。")
    if not meta.get("plan_year"):
        hint = f"（原文写作“{meta['year_placeholder']}”）" if meta.get("year_placeholder") else ""
        problems.append(f"请填写计划年度{hint}。")
    clashing = Plan.objects.filter(doc_number=meta.get("doc_number") or "-").exclude(pk=record.previous_plan_id or 0)
    if meta.get("doc_number") and clashing.exists():
        problems.append(f"文号“{meta['doc_number']}”已被另一份计划使用。作为新版本导入时请在上传时选择原计划。")
    rows = included_rows(review["rows"])
    items = [row for row in rows if row["kind"] == "item"]
    if not items:
        problems.append("没有选中任何任务。")
    if problems:
        raise PlanImportError(" ".join(problems))
    year = int(meta["plan_year"])
    previous = record.previous_plan
    if previous is not None and meta.get("doc_number") == previous.doc_number:
        doc_number = ""  # the new version carries the number once the old one is archived (issue: publishing)
    else:
        doc_number = meta.get("doc_number", "")

    new_units: dict[str, Unit] = {}
    wanted_new = set(create_units)
    for name in review.get("unmatched", []):
        if name in wanted_new:
            existing = Unit.objects.filter(name=name).first()
            new_units[name] = existing or unit_create(actor=actor, name=name, kind=_guess_kind(name))

    plan = Plan.objects.create(
        title=meta["title"][:200],
        doc_number=doc_number,
        issuer=meta.get("issuer", "")[:100],
        issued_on=parse_date(meta.get("issued_on")),
        recipients=meta.get("recipients", "")[:300],
        plan_year=year,
        status=PlanStatus.DRAFT,
        source_name=record.source_name,
        created_by=actor,
        version=(previous.version + 1) if previous else 1,
        previous_version=previous,
    )
    if record.source_file:
        plan.source_file.name = record.source_file.name
        plan.save(update_fields=["source_file"])

    sections: dict[tuple, Section] = {}
    section_rows = [row for row in rows if row["kind"] == "section"]
    for position, row in enumerate(section_rows):
        parent = sections.get(tuple(row["path"][:-1]))
        sections[tuple(row["path"])] = Section.objects.create(
            plan=plan,
            parent=parent,
            number=row.get("number") or "",
            path=task_path(row["path"]),
            title=(row["title"] or row["path"][-1])[:300],
            position=position,
        )

    year_end = datetime.date(year, 12, 31)
    tasks: list[Task] = []
    for position, row in enumerate(items):
        deadline = parse_date(row.get("deadline"))
        if deadline is None and not row.get("ongoing"):
            deadline = year_end
        owners = "；".join(
            part
            for part in (
                f"牵头：{row['lead']['written']}" if row.get("lead") else "",
                f"配合：{'、'.join(entry['written'] for entry in row.get('co', []))}" if row.get("co") else "",
            )
            if part
        )
        tasks.append(
            Task(
                plan=plan,
                section=sections.get(tuple(row["path"][:-1])),
                number=row.get("number") or "",
                path=task_path(row["path"]),
                headline=row["title"][:300],
                text=row.get("text", ""),
                owner_text=(row.get("owner_text") or owners)[:300],
                deadline=deadline,
                deadline_text=(row.get("deadline_text") or ("持续推进" if row.get("ongoing") else ""))[:100],
                reporting_cycle=row.get("recurring_cycle") or "",
                position=position,
            )
        )
    Task.objects.bulk_create(tasks)
    created = {task.path: task for task in Task.objects.filter(plan=plan)}

    milestones: list[Milestone] = []
    assignments: list[Assignment] = []
    for row in items:
        task = created[task_path(row["path"])]
        for index, milestone in enumerate(row.get("milestones", [])):
            milestones.append(
                Milestone(
                    task=task,
                    position=index,
                    text=milestone["text"][:500],
                    due_on=parse_date(milestone.get("due_on")),
                    due_text=milestone.get("due_text", "")[:100],
                )
            )
        lead, co_units = _assignment_units(row, new_units)
        if lead:
            assignments.append(Assignment(task=task, unit_id=lead, role=AssignmentRole.LEAD, assigned_by=actor))
        assignments.extend(
            Assignment(task=task, unit_id=unit_id, role=AssignmentRole.CO, assigned_by=actor) for unit_id in co_units
        )
    Milestone.objects.bulk_create(milestones)
    Assignment.objects.bulk_create(assignments)

    record.status = ImportStatus.CONFIRMED
    record.plan = plan
    record.save(update_fields=["status", "plan", "updated_at"])
    audit_created(
        actor=actor,
        instance=plan,
        verb="plan.import",
        note=f"由“{record}”导入：{len(section_rows)} 个篇章，{len(tasks)} 项任务，{len(assignments)} 个承办。",
    )
    return plan


@transaction.atomic
def plan_import_cancel(*, actor: User, plan_import: PlanImport) -> None:
    """Cancel an import that has not been confirmed."""
    require_manage_plans(actor)
    record = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if record.status == ImportStatus.CONFIRMED:
        raise PlanImportError("已经立项的导入不能取消。")
    record.status = ImportStatus.CANCELLED
    record.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, instance=record, verb="plan_import.cancel")
