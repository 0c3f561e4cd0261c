"""Write a parsed plan in the schema of seeds/expected/*.json, and score one against an answer key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plans.importers.normalize import squash_spaces
from plans.importers.structure import ParsedPlan


def plan_to_expected(parsed: ParsedPlan) -> dict:
    """Return the parsed plan as the answer keys write it (owners as written, deadlines as dates)."""
    meta = parsed.metadata
    items = []
    for path, node in parsed.items():
        item: dict = {"path": list(path), "number": node.number, "title": node.title}
        owners = node.extra.get("owners")
        if owners is not None:
            if owners.lead:
                item["lead_units"] = list(owners.lead)
            if owners.co:
                item["co_units"] = list(owners.co)
        phrase = node.extra.get("time")
        if phrase is not None and phrase.kind != "defaulted":
            if phrase.deadline is not None:
                item["deadline"] = phrase.deadline.isoformat()
            if phrase.month_end is not None:
                item["deadline_month_end"] = phrase.month_end
            if phrase.text:
                item["deadline_text"] = phrase.text
        items.append(item)
    return {
        "title": meta.title,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "issued_on": meta.issued_on.isoformat() if meta.issued_on else None,
        "plan_year": meta.plan_year,
        "sections": [
            {"path": list(path), "number": node.number, "title": node.title} for path, node in parsed.sections()
        ],
        "items": items,
        "item_count": len(items),
        "warnings": parsed.warnings,
    }


@dataclass(frozen=True)
class Score:
    true_positives: int
    found: int  # what the importer produced (precision's denominator)
    expected: int  # what the answer key holds (recall's denominator)

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.true_positives + other.true_positives, self.found + other.found, self.expected + other.expected
        )


def _title_matches(expected: dict, title: str) -> bool:
    got = squash_spaces(title or "")
    if "title" in expected:
        return got == squash_spaces(expected["title"] or "")
    if "title_starts" in expected:
        return got.startswith(squash_spaces(expected["title_starts"]))
    return True


def _match(expected_rows: list[dict], got_rows: list[dict]) -> list[tuple[dict, dict]]:
    by_path: dict[tuple, list[dict]] = {}
    for row in got_rows:
        by_path.setdefault(tuple(row["path"]), []).append(row)
    pairs = []
    for row in expected_rows:
        for candidate in by_path.get(tuple(row["path"]), []):
            if _title_matches(row, candidate.get("title", "")):
                pairs.append((row, candidate))
                break
    return pairs


def _names(values: Iterable[str] | None) -> set[str]:
    return {squash_spaces(value) for value in values or ()}


def _deadline_matches(expected: dict, got: dict, plan_year: int | None) -> bool:
    if "deadline" in expected:
        return got.get("deadline") == expected["deadline"]
    month = expected.get("deadline_month_end")
    if got.get("deadline_month_end") == month:
        return True
    deadline = got.get("deadline")
    if deadline and plan_year:
        from plans.importers.structure import end_of_month

        return deadline == end_of_month(plan_year, month).isoformat()
    return False


def score_import(expected: dict, got: dict) -> dict[str, Score]:
    """Score one import against its answer key: items, sections, owners and deadlines."""
    item_pairs = _match(expected["items"], got["items"])
    section_pairs = _match(expected.get("sections", []), got.get("sections", []))
    scores = {
        "items": Score(len(item_pairs), len(got["items"]), len(expected["items"])),
        "sections": Score(len(section_pairs), len(got.get("sections", [])), len(expected.get("sections", []))),
    }
    owner_keys = [key for key in ("lead_units", "co_units") if any(key in row for row in expected["items"])]
    owner_expected = sum(len(row.get(key, [])) for row in expected["items"] for key in owner_keys)
    owner_found = sum(
        len(got_row.get(key, [])) for exp_row, got_row in item_pairs for key in owner_keys if key in exp_row
    )
    owner_hits = sum(
        len(_names(exp_row.get(key)) & _names(got_row.get(key)))
        for exp_row, got_row in item_pairs
        for key in owner_keys
        if key in exp_row
    )
    scores["owners"] = Score(owner_hits, owner_found, owner_expected)
    with_deadline = [row for row in expected["items"] if "deadline" in row or "deadline_month_end" in row]
    dated_pairs = [(e, g) for e, g in item_pairs if e in with_deadline]
    plan_year = got.get("plan_year") or expected.get("plan_year")
    scores["deadlines"] = Score(
        sum(1 for e, g in dated_pairs if _deadline_matches(e, g, plan_year)),
        sum(1 for _e, g in dated_pairs if g.get("deadline") or g.get("deadline_month_end")),
        len(with_deadline),
    )
    return scores
