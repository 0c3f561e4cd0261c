"""The review tree of an import: owners matched to units, item-by-item changes, and the corrections typed on the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from accounts.models import Unit, User
from audit.services import audit_record
from plans.importers.owners import split_unit_names
from plans.importers.structure import ParsedPlan
from plans.importers.unit_matching import UnitCandidate, match_unit
from plans.models import AssignmentRole, ImportStatus, Plan, PlanImport
from plans.policies import require_manage_plans

# Group names offered on the review page; unit_matching expands them to their member units.
GROUP_NAMES = ("全部学校", "全部幼儿园", "全部学校和幼儿园", "全部机关科室", "全部直属单位")


class PlanImportError(Exception):
    """The import cannot go on; the message says why in Chinese. Nothing was created."""


def task_path(path: Iterable[str]) -> str:
    """Return a task's stored path (三.11) from its path elements."""
    return ".".join(str(part).replace(".", "·") for part in path)


def parse_date(text: str | None):
    """Return an ISO date typed or stored in the review, or None."""
    import datetime

    if not text:
        return None
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        return None


def included_rows(rows: list[dict]) -> list[dict]:
    """Return the rows that will be imported: those ticked whose parts are ticked too."""
    excluded: list[list[str]] = [row["path"] for row in rows if not row.get("include", True)]
    return [row for row in rows if not any(row["path"][: len(prefix)] == prefix for prefix in excluded)]


def unit_candidates() -> list[UnitCandidate]:
    """Return every active unit with its other names, for matching written owner names."""
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in Unit.objects.filter(is_active=True).values_list("id", "aliases__alias"):
        if alias:
            aliases.setdefault(unit_id, []).append(alias)
    return [
        UnitCandidate(
            id=unit.pk,
            name=unit.name,
            short_name=unit.short_name,
            aliases=tuple(aliases.get(unit.pk, ())),
            kind=unit.kind,
        )
        for unit in Unit.objects.filter(is_active=True).only("id", "name", "short_name", "kind")
    ]


def _owner_entry(written: str, candidates: list[UnitCandidate]) -> dict:
    match = match_unit(written, candidates)
    return {
        "written": written,
        "unit_id": match.unit_id,
        "method": match.method,
        "group_unit_ids": list(match.group_unit_ids),
    }


def _time_fields(phrase) -> dict:
    if phrase is None:
        return {
            "deadline": None,
            "deadline_text": "",
            "deadline_kind": "defaulted",
            "ongoing": False,
            "recurring_cycle": None,
        }
    return {
        "deadline": phrase.deadline.isoformat() if phrase.deadline else None,
        "deadline_text": phrase.text,
        "deadline_kind": phrase.kind,
        "ongoing": phrase.ongoing,
        "recurring_cycle": phrase.recurring_cycle,
    }


def build_review(parsed: ParsedPlan, *, candidates: list[UnitCandidate]) -> dict:
    """Return the parsed plan as the editable rows of the review page, with owners matched to units."""
    meta = parsed.metadata
    rows: list[dict] = []
    unmatched: dict[str, None] = {}
    for index, (path, node) in enumerate(parsed.walk()):
        row = {
            "id": f"r{index}",
            "kind": "section" if node.children else "item",
            "path": list(path),
            "depth": len(path) - 1,
            "number": node.number,
            "title": node.title,
            "text": node.text,
            "include": True,
            "warnings": [],
        }
        if not node.children:
            owners = node.extra.get("owners")
            lead_names = list(owners.lead) if owners else []
            co_names = list(owners.co) if owners else []
            if len(lead_names) > 1:
                row["warnings"].append("列出了多个牵头单位：第一个作为牵头，其余作为配合。")
                co_names = lead_names[1:] + co_names
                lead_names = lead_names[:1]
            row["lead"] = _owner_entry(lead_names[0], candidates) if lead_names else None
            row["co"] = [_owner_entry(name, candidates) for name in co_names]
            row["owner_text"] = owners.text if owners else ""
            for entry in [row["lead"], *row["co"]]:
                if entry and entry["unit_id"] is None and not entry["group_unit_ids"]:
                    unmatched[entry["written"]] = None
                    row["warnings"].append(f"“{entry['written']}”没有匹配到已有单位。")
                elif entry and entry["method"] == "fuzzy":
                    row["warnings"].append(f"“{entry['written']}”是按相近名称匹配的，请核对。")
            if not lead_names and not co_names:
                row["warnings"].append("原文没有写明责任单位，请指派。")
            phrase = node.extra.get("time")
            row.update(_time_fields(phrase))
            if node.extra.get("past_time"):
                row["warnings"].append(f"原文中的“{node.extra['past_time']}”早于计划年度，不作为时限，默认为年底。")
            elif row["deadline_kind"] == "defaulted":
                row["warnings"].append("原文没有写明时限，默认为年底。")
            row["milestones"] = [
                {
                    "text": text,
                    "due_on": p.deadline.isoformat() if p and p.deadline else None,
                    "due_text": p.text if p else "",
                }
                for text, p in node.extra.get("milestones", [])
            ]
        rows.append(row)
    return {
        "metadata": {
            "title": meta.title or "",
            "doc_number": meta.doc_number or "",
            "issuer": meta.issuer or "",
            "issued_on": meta.issued_on.isoformat() if meta.issued_on else "",
            "recipients": meta.recipients or "",
            "plan_year": meta.plan_year,
            "year_placeholder": meta.year_placeholder or "",
        },
        "structured": parsed.structured,
        "preamble": parsed.preamble,
        "warnings": list(parsed.warnings),
        "rows": rows,
        "unmatched": list(unmatched),
    }


def review_diff(review: Mapping, plan: Plan) -> list[dict]:
    """Compare the reviewed items with an existing plan's tasks, item by item (added, removed, changed)."""
    tasks = {task.path: task for task in plan.tasks.only("path", "headline", "deadline")}
    seen: set[str] = set()
    changes: list[dict] = []
    for row in review["rows"]:
        if row["kind"] != "item":
            continue
        path = task_path(row["path"])
        seen.add(path)
        task = tasks.get(path)
        if task is None:
            changes.append({"path": path, "change": "added", "title": row["title"]})
            continue
        differences = []
        if task.headline != row["title"]:
            differences.append({"field": "任务名称", "before": task.headline, "after": row["title"]})
        old_deadline = task.deadline.isoformat() if task.deadline else None
        if old_deadline != row.get("deadline"):
            differences.append({"field": "完成时限", "before": old_deadline, "after": row.get("deadline")})
        if differences:
            changes.append({"path": path, "change": "changed", "title": row["title"], "differences": differences})
    for path, task in tasks.items():
        if path not in seen:
            changes.append({"path": path, "change": "removed", "title": task.headline})
    return changes


# --- Corrections on the review page --------------------------------------------------------


def _resolve_name(name: str, candidates: list[UnitCandidate]) -> dict | None:
    name = name.strip()
    return _owner_entry(name, candidates) if name else None


@transaction.atomic
def plan_import_update_review(
    *, actor: User, plan_import: PlanImport, metadata: Mapping[str, str], rows: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """Apply the corrections typed on the review page; return errors (what could not be understood)."""
    require_manage_plans(actor)
    record = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if record.status != ImportStatus.READY:
        raise PlanImportError("这次导入已经结束，不能再修改。")
    review = record.review
    errors: list[str] = []
    meta = review["metadata"]
    for key in ("title", "doc_number", "issuer", "recipients"):
        if key in metadata:
            meta[key] = metadata[key].strip()
    if "issued_on" in metadata:
        meta["issued_on"] = metadata["issued_on"].strip()
        if meta["issued_on"] and parse_date(meta["issued_on"]) is None:
            errors.append(f"成文日期“{meta['issued_on']}”不是有效日期，请按 2020-07-02 的格式填写。")
    if "plan_year" in metadata:
        year_text = metadata["plan_year"].strip()
        if year_text.isascii() and year_text.isdigit() and 2000 <= int(year_text) <= 2100:
            meta["plan_year"] = int(year_text)
        elif year_text:
            errors.append(f"计划年度“{year_text}”无效，请填写四位年份，如 2024。")
    candidates = unit_candidates()
    by_id = {row["id"]: row for row in review["rows"]}
    for row_id, changes in rows.items():
        row = by_id.get(row_id)
        if row is None:
            continue
        row["include"] = changes.get("include", "") in ("on", "1", "true", True)
        if "title" in changes:
            title = changes["title"].strip()
            if not title:
                errors.append(f"第 {'.'.join(row['path'])} 项的名称不能为空。")
            row["title"] = title or row["title"]
        if row["kind"] != "item":
            continue
        if "lead" in changes:
            row["lead"] = _resolve_name(changes["lead"], candidates)
        if "co" in changes:
            row["co"] = [
                entry
                for entry in (_resolve_name(name, candidates) for name in split_unit_names(changes["co"]))
                if entry
            ]
        if "deadline" in changes:
            text = changes["deadline"].strip()
            if text and parse_date(text) is None:
                errors.append(f"第 {'.'.join(row['path'])} 项的时限“{text}”不是有效日期。")
            else:
                if text != (row.get("deadline") or ""):
                    row["deadline_kind"] = "edited" if text else "defaulted"
                row["deadline"] = text or None
        for entry in [row.get("lead"), *row.get("co", [])]:
            if (
                entry
                and entry["unit_id"] is None
                and not entry["group_unit_ids"]
                and entry["written"] not in review["unmatched"]
            ):
                review["unmatched"].append(entry["written"])
    record.review = review
    record.save(update_fields=["review", "updated_at"])
    audit_record(actor=actor, instance=record, verb="plan_import.review", changes={"rows": [None, len(rows)]})
    plan_import.review = review
    return errors


@transaction.atomic
def plan_import_bulk_assign(
    *, actor: User, plan_import: PlanImport, row_ids: Iterable[str], unit_name: str, role: str
) -> int:
    """Give the selected items a lead unit or add a co-unit (a unit, or a group such as 全部学校); return how many."""
    require_manage_plans(actor)
    record = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if record.status != ImportStatus.READY:
        raise PlanImportError("这次导入已经结束，不能再修改。")
    entry = _resolve_name(unit_name, unit_candidates())
    if entry is None or (entry["unit_id"] is None and not entry["group_unit_ids"]):
        raise PlanImportError(f"找不到单位“{unit_name}”。请从列表中选择单位，或选择“全部学校”等分组。")
    wanted = set(row_ids)
    changed = 0
    for row in record.review["rows"]:
        if row["id"] not in wanted or row["kind"] != "item":
            continue
        if role == AssignmentRole.LEAD and not entry["group_unit_ids"]:
            row["lead"] = dict(entry)
        else:
            row["co"] = [*row.get("co", []), dict(entry)]
        changed += 1
    record.save(update_fields=["review", "updated_at"])
    audit_record(
        actor=actor,
        instance=record,
        verb="plan_import.bulk_assign",
        changes={"unit": [None, unit_name], "role": [None, role], "rows": [None, changed]},
    )
    plan_import.review = record.review
    return changed
