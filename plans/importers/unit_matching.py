"""Match unit names as a plan writes them (组干科, 各学校) to the bureau's registry of units."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from plans.importers.normalize import fold

AMBIGUITY_MARGIN = 0.05
STRIPPED_SCORE = 0.95  # equal once the place prefix (湖里区, 厦门市, 区) is set aside


@dataclass(frozen=True)
class UnitCandidate:
    """A unit of the registry, as the matcher sees it."""

    id: int
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = ""  # "department", "school", "kindergarten", "affiliated", ...


@dataclass(frozen=True)
class UnitMatch:
    """Which unit a written name means; unit_id None proposes a new unit (or a group)."""

    written: str
    unit_id: int | None
    method: str  # "exact", "alias", "short_name", "fuzzy", "group", "none"
    score: float
    group_unit_ids: tuple[int, ...] = ()


_PUNCTUATION = re.compile(r"[\s·•\"'“”‘’《》<>]")
_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}市)?(?:[\u4e00-\u9fff]{2,3}[区县])?")
_LONE_PLACE = re.compile(r"^[省市区县](?=[\u4e00-\u9fff]{3})")
_GROUP_PREFIX = re.compile(
    r"^(?:(?:局机关|机关)?各|全部|所有|全体|全区|全市|全县|区属|市属|县属|局属|辖区|公民办|公办民办|公、民办|局机关|机关)+"
)

# A group name (without 各/全部/区属 …) → the kinds it covers, and a word the member's name must contain.
_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "学校": (("school",), ""),
    "校": (("school",), ""),
    "中小学": (("school",), ""),
    "中小学校": (("school",), ""),
    "中小学校(园)": (("school", "kindergarten"), ""),
    "校(园)": (("school", "kindergarten"), ""),
    "学校(幼儿园)": (("school", "kindergarten"), ""),
    "中小学幼儿园": (("school", "kindergarten"), ""),
    "学校和幼儿园": (("school", "kindergarten"), ""),
    "学校及幼儿园": (("school", "kindergarten"), ""),
    "中小学和幼儿园": (("school", "kindergarten"), ""),
    "中学": (("school",), "中学"),
    "小学": (("school",), "小学"),
    "幼儿园": (("kindergarten",), ""),
    "园": (("kindergarten",), ""),
    "科室": (("department",), ""),
    "部门": (("department",), ""),
    "直属单位": (("affiliated",), ""),
    "单位": (("school", "kindergarten", "affiliated"), ""),
}


def match_units(names: Iterable[str], candidates: Sequence[UnitCandidate]) -> list[UnitMatch]:
    """Return a match for each written name, in order."""
    return [match_unit(name, candidates) for name in names]


def match_unit(written: str, candidates: Sequence[UnitCandidate], *, threshold: float = 0.75) -> UnitMatch:
    """Return the unit a written name means: exact name, alias, short name, group, then fuzzy.

    A fuzzy match below the threshold, or within AMBIGUITY_MARGIN of another unit's, is "none".
    """
    key = _normalized(written)
    for method, names_of in (("exact", _names), ("alias", _aliases), ("short_name", _short_names)):
        found = [candidate for candidate in candidates if key in {_normalized(name) for name in names_of(candidate)}]
        if found:
            return UnitMatch(written, found[0].id, method, 1.0)
    group = _group_members(key, candidates)
    if group is not None:
        return UnitMatch(written, None, "group", 1.0, group)
    return _fuzzy_match(written, key, candidates, threshold)


def _names(candidate: UnitCandidate) -> tuple[str, ...]:
    return (candidate.name,)


def _aliases(candidate: UnitCandidate) -> tuple[str, ...]:
    return candidate.aliases


def _short_names(candidate: UnitCandidate) -> tuple[str, ...]:
    return (candidate.short_name,) if candidate.short_name else ()


@lru_cache(maxsize=8192)
def _normalized(name: str) -> str:
    """Return the name folded (half-width, Simplified) without spaces, quotes or a trailing 等."""
    folded = _PUNCTUATION.sub("", fold(name))
    return folded[:-1] if folded.endswith("等") and len(folded) > 2 else folded


@lru_cache(maxsize=8192)
def _without_place(name: str) -> str:
    """Return a normalized name without its place prefix (厦门市湖里区, 区) and with 办公室 shortened to 办.

    The prefix is set aside only when at least three characters remain, so 区教育局 is left whole.
    """
    stripped = _PLACE_PREFIX.sub("", name)
    if len(stripped) < 3:
        stripped = name
    stripped = _LONE_PLACE.sub("", stripped)
    if stripped.endswith("办公室") and len(stripped) > 3:
        stripped = stripped[:-2]
    return stripped


def _group_members(key: str, candidates: Sequence[UnitCandidate]) -> tuple[int, ...] | None:
    """Return the ids a group name covers (各学校 → every school), or None when the name is not a group."""
    has_prefix = _GROUP_PREFIX.match(key) is not None
    core = _GROUP_PREFIX.sub("", key)
    if core not in _GROUPS or (not has_prefix and core in ("校", "园", "单位", "部门")):
        return None
    kinds, word = _GROUPS[core]
    return tuple(c.id for c in candidates if c.kind in kinds and word in _normalized(c.name))


def _is_abbreviation(short: str, full: str) -> bool:
    """Return True when short is full with characters left out, keeping its first and last (基教科, 基础教育科)."""
    if not 2 <= len(short) < len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    remaining = iter(full)
    return all(char in remaining for char in short)


def _similarity(written: str, name: str) -> float:
    """Return how alike two normalized names are, from 0 to 1."""
    if _without_place(written) == _without_place(name):
        return STRIPPED_SCORE
    ratio = SequenceMatcher(None, written, name).ratio()
    if _is_abbreviation(written, name) or _is_abbreviation(_without_place(written), _without_place(name)):
        ratio = max(ratio, 0.8 + 0.1 * len(written) / len(name))
    return ratio


def _candidate_score(key: str, candidate: UnitCandidate) -> float:
    names = (candidate.name, *_short_names(candidate), *candidate.aliases)
    return max(_similarity(key, _normalized(name)) for name in names)


def _fuzzy_match(written: str, key: str, candidates: Sequence[UnitCandidate], threshold: float) -> UnitMatch:
    ranked = sorted(((_candidate_score(key, c), c.id) for c in candidates), key=lambda pair: -pair[0])
    if not ranked or ranked[0][0] < threshold:
        return UnitMatch(written, None, "none", round(ranked[0][0], 3) if ranked else 0.0)
    best_score, best_id = ranked[0]
    if len(ranked) > 1 and best_score - ranked[1][0] < AMBIGUITY_MARGIN:
        return UnitMatch(written, None, "none", round(best_score, 3))
    return UnitMatch(written, best_id, "fuzzy", round(best_score, 3))
