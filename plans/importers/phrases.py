"""Find the time limit (完成时限) in an item's text and resolve it to a deadline.

Matching runs on the text folded (half-width, Simplified) with white space removed, so
"6 月底前" and "６月底前" read like "6月底前"; the phrase is reported exactly as written.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from plans.importers.normalize import fold

Season = tuple[int, int]


@dataclass(frozen=True)
class TimePhrase:
    """A time limit as written and the deadline it means."""

    text: str  # the phrase exactly as written in the source, e.g. "6月底前"; "" when defaulted
    deadline: datetime.date | None  # None when ongoing, or when the year is unknown
    month_end: int | None  # M when the phrase means "the last day of month M" (in the phrase's own year)
    kind: str  # "date", "month_end", "season", "year_end", "recurring", "ongoing", "defaulted"
    recurring_cycle: str | None = None  # "monthly", "quarterly", "ten_day"
    ongoing: bool = False  # 持续推进, 长期, 常态化 …: no fixed deadline


# How strongly a phrase claims to be the item's time limit; the strongest tier wins, then the latest date.
_ONGOING, _RECURRING, _BARE_YEAR, _REFERENCE, _EXPLICIT = range(5)

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_RELATIVE_YEARS = {"今": 0, "本": 0, "当": 0, "次": 1, "明": 1, "翌": 1, "去": -1}
_CYCLES = {"月": "monthly", "季": "quarterly", "旬": "ten_day"}

_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_YEAR = r"(?:(?:19|20)[0-9]{2}|[一二][〇零一二三四五六七八九]{3})"
_REL = r"[今本当次明翌去]"
_YEAR_PREFIX = rf"(?:(?P<year>{_YEAR})年|(?P<rel>{_REL})年)?"
_NOT_AFTER_NUMBER = r"(?<![0-9〇零一二三四五六七八九十两几数第每个])"
_NOT_AFTER_QUARTER = r"(?<![0-9〇零一二三四五六七八九十两几数每个各])"
_BEFORE = r"(?P<before>之前|以前|前(?!后)|止)?"
_PART = r"(?P<part>底|末|初|上旬|中旬|下旬)?"
_RANGE_SEPARATOR = r"(?:[-~至到]+|、)"

_STARTS_AFTER = ("起", "开始", "以来", "至今", "伊始", "以后", "后")
_NOT_STARTS = ("起草", "起步", "后续")
_STARTS_BEFORE = ("自", "从")
_COMPLETION_WORDS = ("完成", "竣工", "完工", "建成", "交付", "投入使用", "办结", "到位", "启用", "落成", "结束")
_LIMIT_LABELS = ("时限", "期限", "截止", "截至", "完成时间")
_CLAUSE_BREAK = re.compile(r"[,，。;；!！?？:：]")


@dataclass(frozen=True)
class _Candidate:
    """A phrase found in the compact text, before it is resolved against the plan year."""

    start: int
    end: int
    kind: str
    tier: int
    month: int = 12  # the deadline's month
    day: int | None = None  # None: the last day of the month
    month_end: int | None = None
    year: int | None = None  # written explicitly
    year_offset: int = 0  # from the plan year, when no year is written
    cycle: str | None = None

    def resolved_year(self, plan_year: int | None) -> int | None:
        if self.year is not None:
            return self.year
        return None if plan_year is None else plan_year + self.year_offset

    def deadline(self, plan_year: int | None) -> datetime.date | None:
        year = self.resolved_year(plan_year)
        if year is None or self.kind == "ongoing":
            return None
        return datetime.date(year, self.month, self.day or _last_day(year, self.month))

    def sort_key(self, plan_year: int) -> tuple[int, datetime.date]:
        deadline = self.deadline(plan_year) if self.kind != "ongoing" else None
        return self.tier, deadline or datetime.date.min


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _number(token: str) -> int:
    """Return the value of an Arabic or Chinese numeral: "12", "十二", "三十一", "二〇二四"."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return int("".join(str(_DIGITS[char]) for char in token))


def _compact(text: str) -> tuple[str, list[int]]:
    """Return the folded text without white space, and each kept character's index in the original."""
    kept: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(fold(text)):
        if not char.isspace() and char != "\u200b":
            kept.append(char)
            positions.append(index)
    return "".join(kept), positions


def _year_fields(match: re.Match[str]) -> dict:
    """Return the written year or the offset from the plan year of a match with a year prefix."""
    year = match.group("year")
    if year:
        return {"year": _number(year)}
    relative = match.group("rel")
    return {"year_offset": _RELATIVE_YEARS[relative]} if relative else {}


def _explicit(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    return bool(groups.get("before")) or groups.get("part") in ("底", "末", "内")


def _tier(match: re.Match[str], base: int = _REFERENCE) -> int:
    return _EXPLICIT if _explicit(match) else base


def _month_candidate(match: re.Match[str], month: int) -> _Candidate | None:
    """Return a month phrase: 6月底前 (end of June), 6月中旬 (the 20th), 6月上旬 or 6月初 (the 10th)."""
    if not 1 <= month <= 12:
        return None
    part = match.group("part")
    day = {"上旬": 10, "初": 10, "中旬": 20}.get(part or "")
    if day is not None:
        return _Candidate(*match.span(), "date", _tier(match), month, day, **_year_fields(match))
    return _Candidate(*match.span(), "month_end", _tier(match), month, month_end=month, **_year_fields(match))


def _single_month(match: re.Match[str]) -> _Candidate | None:
    return _month_candidate(match, _number(match.group("month")))


def _month_range(match: re.Match[str]) -> _Candidate | None:
    """Return a month range (1-2月份, 3月-4月份, 11月至12月份) as the end of its last month."""
    first, last = _number(match.group("first")), _number(match.group("month"))
    if not first < last or (match.group("sep") == "、" and last != first + 1):
        return None
    return _month_candidate(match, last)


def _full_date(match: re.Match[str]) -> _Candidate | None:
    month, day = _number(match.group("month")), _number(match.group("day"))
    fields = _year_fields(match)
    if not 1 <= month <= 12 or day > _last_day(fields.get("year", 2000), month):
        return None
    return _Candidate(*match.span(), "date", _tier(match), month, day, **fields)


def _quarter(match: re.Match[str]) -> _Candidate:
    month = _number(match.group("quarter")) * 3
    return _Candidate(*match.span(), "month_end", _tier(match), month, month_end=month, **_year_fields(match))


def _half_year(match: re.Match[str]) -> _Candidate:
    month = 6 if match.group("half") == "上" else 12
    return _Candidate(*match.span(), "month_end", _tier(match), month, month_end=month, **_year_fields(match))


def _year_end(match: re.Match[str]) -> _Candidate:
    return _Candidate(*match.span(), "year_end", _tier(match), month_end=12, **_year_fields(match))


def _whole_year(match: re.Match[str]) -> _Candidate:
    return _Candidate(*match.span(), "year_end", _REFERENCE, month_end=12)


def _bare_year(match: re.Match[str]) -> _Candidate | None:
    year = _number(match.group("year"))
    if not 1900 <= year <= 2099:
        return None
    return _Candidate(*match.span(), "year_end", _tier(match, _BARE_YEAR), month_end=12, year=year)


def _season_candidate(seasons: dict[str, Season]) -> Callable[[re.Match[str]], _Candidate]:
    def build(match: re.Match[str]) -> _Candidate:
        month, day = seasons[match.group("season")]
        return _Candidate(*match.span(), "season", _tier(match), month, day, **_year_fields(match))

    return build


def _vacation(match: re.Match[str]) -> _Candidate:
    month = 2 if match.group("vacation").startswith("寒") else 8
    return _Candidate(*match.span(), "season", _tier(match), month, month_end=month, **_year_fields(match))


def _recurring(match: re.Match[str]) -> _Candidate:
    cycle = _CYCLES[match.group("cycle")]
    return _Candidate(*match.span(), "recurring", _RECURRING, month_end=12, cycle=cycle)


def _ongoing(match: re.Match[str]) -> _Candidate:
    return _Candidate(*match.span(), "ongoing", _ONGOING, month_end=None)


_FIXED_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Candidate | None]]] = [
    (re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR_PREFIX}(?P<month>{_MONTH})月(?P<day>{_DAY})[日号]{_BEFORE}"), _full_date),
    (
        re.compile(
            rf"(?<![0-9])(?P<year>(?:19|20)[0-9]{{2}})[-./／](?P<month>1[0-2]|0?[1-9])[-./／](?P<day>3[01]|[12][0-9]|0?[1-9])"
            rf"(?![0-9]){_BEFORE}"
        ),
        _full_date,
    ),
    (
        re.compile(
            rf"{_NOT_AFTER_NUMBER}{_YEAR_PREFIX}(?P<first>{_MONTH})(?:月份?(?:底|末|初|上旬|中旬|下旬)?)?"
            rf"(?P<sep>{_RANGE_SEPARATOR})(?P<month>{_MONTH})月份?{_PART}{_BEFORE}"
        ),
        _month_range,
    ),
    (re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR_PREFIX}(?P<month>{_MONTH})月份?{_PART}{_BEFORE}"), _single_month),
    (
        re.compile(
            rf"{_YEAR_PREFIX}{_NOT_AFTER_QUARTER}(?:第)?(?P<quarter>[1-4一二三四])季度(?P<part>末|底)?{_BEFORE}"
        ),
        _quarter,
    ),
    (re.compile(rf"{_YEAR_PREFIX}(?P<half>上|下)半年(?P<part>底|末)?{_BEFORE}"), _half_year),
    (
        re.compile(
            rf"(?<![0-9〇零一二三四五六七八九十两几多数半学近每全])(?:(?P<year>{_YEAR})|(?P<rel>{_REL})(?:年)?)?"
            rf"年(?:度)?(?P<part>底|末|内){_BEFORE}"
        ),
        _year_end,
    ),
    (re.compile(rf"(?<![0-9])(?:{_YEAR}[-~至到]+)?(?P<year>{_YEAR})年(?![度级龄]){_BEFORE}"), _bare_year),
    (re.compile(r"全年(?![级龄])(?:内)?"), _whole_year),
    (re.compile(rf"{_YEAR_PREFIX}(?P<vacation>暑假|暑期|寒假){_BEFORE}"), _vacation),
    (re.compile(r"(?:(?:每个?|按|逐)一?|(?=[月季旬]报))(?P<cycle>季|月|旬)[度报]?"), _recurring),
    (re.compile(r"持续推进|持续开展|长期坚持|长期(?!以来)|常态化|常抓不懈"), _ongoing),
]
_SEASON = re.compile(rf"{_YEAR_PREFIX}(?P<season>春|夏|秋|冬)季(?:学期)?(?:开学)?{_BEFORE}")


def _starts_something(compact: str, start: int, end: int) -> bool:
    """Return True when the phrase marks a start (2020年起, 自9月1日, 从秋季学期开始), not a limit."""
    marks_start = compact.startswith(_STARTS_AFTER, end) and not compact.startswith(_NOT_STARTS, end)
    return marks_start or (start > 0 and compact[start - 1] in _STARTS_BEFORE)


def _clause_after(compact: str, end: int) -> str:
    return _CLAUSE_BREAK.split(compact[end : end + 12], maxsplit=1)[0]


def _clause_before(compact: str, start: int) -> str:
    return compact[max(0, start - 8) : start]


def _names_completion(compact: str, candidate: _Candidate) -> bool:
    """Return True when the words around the phrase make it a limit: 于2020年建成, 完成时限:9月."""
    after = _clause_after(compact, candidate.end)
    before = _clause_before(compact, candidate.start)
    return any(word in after for word in _COMPLETION_WORDS) or any(label in before for label in _LIMIT_LABELS)


def _candidates(compact: str, seasons: dict[str, Season]) -> Iterator[_Candidate]:
    patterns = [*_FIXED_PATTERNS, (_SEASON, _season_candidate(seasons))]
    for pattern, build in patterns:
        for match in pattern.finditer(compact):
            candidate = build(match)
            if candidate is None or _starts_something(compact, *match.span()):
                continue
            if candidate.tier in (_BARE_YEAR, _REFERENCE) and _names_completion(compact, candidate):
                candidate = replace(candidate, tier=_EXPLICIT)
            yield candidate


def _outermost(candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop every phrase lying inside a longer one (6月 inside 2024年6月底前)."""
    ordered = sorted(candidates, key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Candidate] = []
    for candidate in ordered:
        if not any(other.start <= candidate.start and candidate.end <= other.end for other in kept):
            kept.append(candidate)
    return kept


def _reference_year(candidates: list[_Candidate], plan_year: int | None) -> int:
    """Return the year to compare relative phrases with when the plan year is unknown."""
    if plan_year is not None:
        return plan_year
    written = [c.year for c in candidates if c.year is not None]
    return max(written, default=2000)


def _to_phrase(candidate: _Candidate, text: str, positions: list[int], plan_year: int | None) -> TimePhrase:
    written = text[positions[candidate.start] : positions[candidate.end - 1] + 1]
    return TimePhrase(
        text=written,
        deadline=candidate.deadline(plan_year),
        month_end=candidate.month_end,
        kind=candidate.kind,
        recurring_cycle=candidate.cycle,
        ongoing=candidate.kind == "ongoing",
    )


def find_time_phrase(
    text: str,
    *,
    plan_year: int | None,
    autumn: Season = (9, 1),
    spring: Season = (3, 1),
    summer: Season = (6, 1),
    winter: Season = (12, 1),
) -> TimePhrase | None:
    """Return the time limit the text states, or None when it names no time.

    When several phrases occur, the most deadline-like wins (…前, …底, 年内, or followed by 完成),
    then the latest date; a recurring cycle (每月, 每季度, 每旬) named anywhere is kept on the result.
    """
    compact, positions = _compact(text)
    seasons = {"春": spring, "夏": summer, "秋": autumn, "冬": winter}
    found = _outermost(list(_candidates(compact, seasons)))
    if not found:
        return None
    reference = _reference_year(found, plan_year)
    best = max(found, key=lambda candidate: candidate.sort_key(reference))
    cycle = best.cycle or next((c.cycle for c in found if c.cycle), None)
    return replace(_to_phrase(best, text, positions, plan_year), recurring_cycle=cycle)


_HEADING_MARKER = r"(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十0-9]+\)|[0-9]+[、.])?"
_HEADING_TAIL = r"(?:工作安排|重点工作|主要工作|工作要点|工作|安排)?[:。.]?"
_HEADING_PERIODS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Candidate | None]]] = [
    (
        re.compile(
            rf"{_YEAR_PREFIX}(?P<first>{_MONTH})(?:月份?)?(?P<sep>[-~至到、,和及]+)(?P<month>{_MONTH})月份?"
            r"(?P<part>)(?P<before>)"
        ),
        _month_range,
    ),
    (re.compile(rf"{_YEAR_PREFIX}(?P<month>{_MONTH})月份?(?P<part>)(?P<before>)"), _single_month),
    (re.compile(rf"{_YEAR_PREFIX}(?:第)?(?P<quarter>[1-4一二三四])季度(?P<part>)(?P<before>)"), _quarter),
    (re.compile(rf"{_YEAR_PREFIX}(?P<half>上|下)半年(?P<part>)(?P<before>)"), _half_year),
]


def period_heading_phrase(heading: str, *, plan_year: int | None) -> TimePhrase | None:
    """Return the end of the period a schedule heading names (1-2月份, 3月-4月份, 9月份, 第一季度), else None."""
    compact, positions = _compact(heading)
    for pattern, build in _HEADING_PERIODS:
        whole = re.fullmatch(rf"{_HEADING_MARKER}(?P<period>{pattern.pattern}){_HEADING_TAIL}", compact)
        if whole is None:
            continue
        period = pattern.fullmatch(whole.group("period"))
        candidate = build(period) if period else None
        if candidate is None:
            return None
        start = whole.start("period")
        shifted = replace(candidate, start=start + candidate.start, end=start + candidate.end)
        return _to_phrase(shifted, heading, positions, plan_year)
    return None


def default_phrase(plan_year: int | None) -> TimePhrase:
    """Return the deadline of an item that names no time: the end of the plan year."""
    deadline = datetime.date(plan_year, 12, 31) if plan_year is not None else None
    return TimePhrase(text="", deadline=deadline, month_end=12, kind="defaulted")
