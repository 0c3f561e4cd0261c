"""Read a plan's metadata from the lines above its outline: title, 文号, issuer, date, recipients, plan year."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from plans.importers.normalize import fold, squash_spaces

PLAN_WORDS = (
    "工作要点",
    "工作计划",
    "工作思路",
    "工作总结",
    "工作安排",
    "工作方案",
    "任务分解",
    "重点工作",
    "要点",
    "计划",
    "思路",
    "方案",
    "清单",
    "安排",
    "打算",
)
FORWARD_WORDS = ("思路", "要点", "计划", "安排", "打算", "方案", "任务", "清单")

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[(（【]\s*\d{4}\s*[〕\])）】]\s*\d{1,4}\s*号")
_ISSUER_FIELD = re.compile(r"(发布机构|发文机关|发文单位|印发机关)\s*[:：]\s*(.+)")
_DATE_FIELD = re.compile(
    r"(成文日期|发布日期|公文生成日期|印发日期|发文日期)\s*[:：]\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE_LINE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)
_QUOTED_TITLE = re.compile(r"现将\s*《([^》]{4,60})》")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_PLACEHOLDER = re.compile(r"(20[0-9][xX×]|20[xX×]{2}|[xX×]{2,4})\s*年")
_ORG_SUFFIX = re.compile(r"(局|委员会|委|办公室|办|政府|厅|中心|学校|学院|集团|公司)$")
_SITE_SEPARATORS = ("-", "_", "|", "—", "–")


@dataclass
class PlanMetadata:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: datetime.date | None = None
    recipients: str | None = None
    plan_year: int | None = None
    year_placeholder: str | None = None  # "202x", "XX年" …: the year must be asked for
    used_lines: set[int] = field(default_factory=set)  # indexes of head lines that were metadata, not content


def _cn_digit_year(text: str) -> int:
    digits = {
        "〇": "0",
        "零": "0",
        "一": "1",
        "二": "2",
        "三": "3",
        "四": "4",
        "五": "5",
        "六": "6",
        "七": "7",
        "八": "8",
        "九": "9",
    }
    return int("".join(digits[ch] for ch in text))


def _cn_small(text: str) -> int:
    from plans.importers.markers import cn_to_int

    return cn_to_int(text) or 0


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _strip_site_suffix(line: str) -> str:
    for separator in _SITE_SEPARATORS:
        if separator in line:
            head, _, _tail = line.partition(separator)
            if any(word in head for word in PLAN_WORDS) and len(head.strip()) >= 6:
                return head.strip()
    return line.strip()


def _looks_like_title(line: str) -> bool:
    text = squash_spaces(line)
    if not (6 <= len(text) <= 60) or "。" in text or text.endswith((":", "：")):
        return False
    if text.startswith("关于印发") or (text.startswith("关于") and text.endswith("通知")):
        return False
    return any(word in text for word in PLAN_WORDS)


def _choose_title(head: list[str], folded_head: list[str]) -> tuple[str | None, int | None]:
    for line in folded_head:
        quoted = _QUOTED_TITLE.search(line)
        if quoted:
            title = quoted.group(1).strip()
            index = next(
                (i for i, other in enumerate(folded_head) if squash_spaces(other) == squash_spaces(title)), None
            )
            return title, index
    candidates = [(index, _strip_site_suffix(line)) for index, line in enumerate(head) if _looks_like_title(line)]
    if not candidates:
        return None, None
    counts = Counter(squash_spaces(title) for _index, title in candidates)
    best = max(candidates, key=lambda candidate: (counts[squash_spaces(candidate[1])], -candidate[0]))
    return best[1], best[0]


def _plan_year(title: str | None, headings: list[str], text_sample: str) -> tuple[int | None, str | None]:
    # A heading that plans the coming year ("二、2020 年工作思路") names the plan year best.
    for heading in headings:
        folded = squash_spaces(fold(heading))
        years = _YEAR.findall(folded)
        if years and any(word in folded for word in FORWARD_WORDS):
            return int(years[0]), None
    if title:
        folded = squash_spaces(fold(title))
        for match in _YEAR.finditer(folded):
            following = folded[match.end() : match.end() + 8]
            if any(following.startswith(word) or word in following for word in FORWARD_WORDS):
                return int(match.group(1)), None
        years = _YEAR.findall(folded)
        if years:
            return int(years[0]), None
        placeholder = _YEAR_PLACEHOLDER.search(folded)
        if placeholder:
            return None, placeholder.group(0)
    placeholder = _YEAR_PLACEHOLDER.search(squash_spaces(fold(text_sample)))
    if placeholder:
        return None, placeholder.group(0)
    years = Counter(int(year) for year in _YEAR.findall(squash_spaces(fold(text_sample))))
    if years:
        return years.most_common(1)[0][0], None
    return None, None


def read_metadata(head: list[str], *, headings: list[str], body_sample: str) -> PlanMetadata:
    """Return the metadata found in the head lines (those above the outline) and the section headings."""
    folded_head = [fold(line) for line in head]
    meta = PlanMetadata()
    for index, line in enumerate(folded_head):
        if meta.doc_number is None:
            match = _DOC_NUMBER.search(line)
            if match:
                meta.doc_number = head[index][match.start() : match.end()].strip()
                meta.used_lines.add(index)
                following = index + 1
                if (
                    following < len(head)
                    and _ORG_SUFFIX.search(head[following].strip())
                    and len(head[following].strip()) <= 30
                ):
                    meta.issuer = meta.issuer or head[following].strip()
        issuer = _ISSUER_FIELD.search(line)
        if issuer:
            meta.issuer = issuer.group(2).strip()
            meta.used_lines.add(index)
        date = _DATE_FIELD.search(line)
        if date and meta.issued_on is None:
            meta.issued_on = _safe_date(int(date.group(2)), int(date.group(3)), int(date.group(4)))
            meta.used_lines.add(index)
        stripped = squash_spaces(line)
        date_line = _DATE_LINE.fullmatch(stripped)
        if date_line:
            meta.issued_on = meta.issued_on or _safe_date(*(int(group) for group in date_line.groups()))
            meta.used_lines.add(index)
            previous = squash_spaces(head[index - 1]) if index else ""
            if previous and _ORG_SUFFIX.search(previous) and len(previous) <= 30:
                meta.issuer = meta.issuer or previous
                meta.used_lines.add(index - 1)
        cn_date = _CN_DATE_LINE.fullmatch(stripped)
        if cn_date and meta.issued_on is None:
            meta.issued_on = _safe_date(
                _cn_digit_year(cn_date.group(1)), _cn_small(cn_date.group(2)), _cn_small(cn_date.group(3))
            )
            meta.used_lines.add(index)
        if (
            meta.recipients is None
            and stripped.endswith(":")
            and any(word in stripped for word in ("各", "科室", "学校", "单位", "幼儿园"))
            and len(stripped) <= 80
        ):
            meta.recipients = head[index].strip().rstrip(":：")
            meta.used_lines.add(index)
    meta.title, title_index = _choose_title(head, folded_head)
    if title_index is not None:
        meta.used_lines.add(title_index)
    meta.plan_year, meta.year_placeholder = _plan_year(meta.title, headings, "\n".join(head) + body_sample)
    return meta
