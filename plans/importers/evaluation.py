"""Score the importer over a folder of documents with answer keys in its expected/ subfolder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from plans.importers.expected import Score, plan_to_expected, score_import
from plans.importers.pipeline import parse_document
from plans.importers.readers import read_document

ASPECTS = ("items", "sections", "owners", "deadlines")


@dataclass
class DocumentScore:
    source: str
    scores: dict[str, Score]
    error: str | None = None


def parse_file(path: Path, *, plan_year: int | None = None) -> dict:
    """Return the importer's reading of one file in the answer-key schema."""
    document = read_document(path.name, path.read_bytes())
    return plan_to_expected(parse_document(document, plan_year=plan_year))


def _source_path(folder: Path, source: str) -> Path | None:
    for candidate in (folder / source, folder / "documents" / source):
        if candidate.is_file():
            return candidate
    return None


def score_directory(folder: Path) -> tuple[list[DocumentScore], dict[str, Score]]:
    """Score every document that has an answer key; return per-document and overall (micro-averaged) scores."""
    results: list[DocumentScore] = []
    totals = {aspect: Score(0, 0, 0) for aspect in ASPECTS}
    for key_path in sorted((folder / "expected").glob("*.json")):
        expected = json.loads(key_path.read_text(encoding="utf-8"))
        source = expected.get("source") or key_path.stem
        path = _source_path(folder, source)
        if path is None:
            empty = {aspect: Score(0, 0, len(expected.get(aspect, []))) for aspect in ASPECTS}
            results.append(DocumentScore(source, empty, error="文件不存在"))
            totals["items"] += empty["items"]
            totals["sections"] += empty["sections"]
            continue
        try:
            got = parse_file(path)
        except ValueError as exc:  # DocumentError and other unreadable input: count as nothing found
            got = {"items": [], "sections": []}
            error = str(exc)
        else:
            error = None
        scores = score_import(expected, got)
        results.append(DocumentScore(source, scores, error=error))
        for aspect in ASPECTS:
            totals[aspect] += scores[aspect]
    return results, totals
