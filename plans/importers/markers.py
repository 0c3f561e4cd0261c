"""Recognise the numbering markers of a plan's outline (一、 (一) 1. (1) ① 一是 month periods …).

Detection runs on folded text (see normalize.py); positions point into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "一二三四五六七八九十百零〇两"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Families, from the usual top of an outline to the usual bottom. The actual nesting of a
# document is learned from the order in which the families first appear.
PART = "part"  # 第一部分 / 第一章
CN = "cn"  # 一、
CN_PAREN = "cn_paren"  # (一)
MONTH = "month"  # 1-2月份 / 3月-4月份, a schedule heading
NUM = "num"  # 1. 1、 1 .
NUM_BARE = "num_bare"  # 1干部… (a number glued to the text; a NUM only when its siblings confirm it)
NUM_PAREN = "num_paren"  # (1)
CIRCLED_NUM = "circled"  # ①
SHI = "shi"  # 一是 … 二是 …: always a leaf, often inline

BLOCK_FAMILIES = (PART, CN, CN_PAREN, MONTH, NUM, NUM_PAREN, CIRCLED_NUM)

# Characters that make a leading number a quantity or a date rather than a marker.
QUANTITY_AFTER = set("年月日号时分秒人个名所项条家次元万亿千百%‰份届级期批位台套间座支只本册场周天岁米公吨亩")

_PART = re.compile(rf"第\s*([{CN_DIGITS}\d]+)\s*(部分|章|篇)\s*[、,.:]?\s*")
_CN = re.compile(rf"([{CN_DIGITS}]{{1,3}})\s*[、.,]\s*")
_CN_PAREN = re.compile(rf"\(\s*([{CN_DIGITS}]{{1,3}})\s*\)\s*[、.]?\s*")
_NUM = re.compile(r"(\d{1,4})\s*[.、](?!\d)\s*")
_NUM_PAREN = re.compile(r"\(\s*(\d{1,3})\s*\)\s*[、.]?\s*")
_CIRCLED = re.compile(rf"([{CIRCLED}])\s*")
_SHI = re.compile(rf"([{CN_DIGITS}]{{1,3}})是\s*")
_NUM_BARE = re.compile(r"(\d{1,2})(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Marker:
    family: str
    number: str | None  # as written, without punctuation: "一", "11", "一是"; None for schedule headings
    end: int  # index just past the marker (and the spaces after it) in the text


def cn_to_int(text: str) -> int | None:
    """Return the value of a small Chinese numeral (一 … 九十九), or of Arabic digits."""
    if text.isdigit():
        return int(text)
    values = {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        tens_value = values.get(tens, 1) if tens else 1
        units_value = values.get(units, 0) if units else 0
        if (tens and tens not in values) or (units and units not in values):
            return None
        return tens_value * 10 + units_value
    if len(text) == 1 and text in values:
        return values[text]
    return None


def schedule_heading(folded_line: str) -> bool:
    """Return whether a whole line is a schedule heading such as 1-2月份, 3月-4月份, 9月份 or 第一季度."""
    from plans.importers.phrases import period_heading_phrase

    line = folded_line.strip().rstrip(":")
    if len(line) > 14 or not (line[:1].isdigit() or line.startswith("第")):
        return False
    return period_heading_phrase(line, plan_year=None) is not None


def leading_marker(folded: str) -> Marker | None:
    """Return the marker at the start of a paragraph, if any (folded text, leading spaces allowed)."""
    offset = len(folded) - len(folded.lstrip())
    text = folded[offset:]
    if not text:
        return None
    if schedule_heading(text):
        return Marker(MONTH, None, len(folded))
    match = _PART.match(text)
    if match:
        return Marker(PART, match.group(1), offset + match.end())
    match = _SHI.match(text)
    if match and cn_to_int(match.group(1)):
        return Marker(SHI, match.group(1) + "是", offset + match.end())
    match = _CN.match(text)
    if match and cn_to_int(match.group(1)) and not _is_cn_word(text, match):
        return Marker(CN, match.group(1), offset + match.end())
    match = _CN_PAREN.match(text)
    if match and cn_to_int(match.group(1)):
        return Marker(CN_PAREN, match.group(1), offset + match.end())
    match = _NUM_PAREN.match(text)
    if match:
        return Marker(NUM_PAREN, match.group(1), offset + match.end())
    match = _CIRCLED.match(text)
    if match and len(text) > match.end():
        return Marker(CIRCLED_NUM, match.group(1), offset + match.end())
    match = _NUM.match(text)
    if match and 0 < int(match.group(1)) and not 1900 <= int(match.group(1)) <= 2100 and len(text) > match.end():
        return Marker(NUM, match.group(1), offset + match.end())
    match = _NUM_BARE.match(text)
    if match and 0 < int(match.group(1)) < 100:
        after = text[match.end() : match.end() + 1]
        if after and after not in QUANTITY_AFTER:
            return Marker(NUM_BARE, match.group(1), offset + match.end())
    return None


def _is_cn_word(text: str, match: re.Match) -> bool:
    """Tell 一、 (a marker) from words such as 一,二等奖 that start with a numeral and a comma."""
    separator = text[match.start() : match.end()].strip()[-1:]
    if separator == "、":
        return False
    # "一." or "一," starts a marker only when text follows directly, not another numeral.
    following = text[match.end() : match.end() + 1]
    return not following or following in CN_DIGITS


_INLINE_SHI = re.compile(rf"(?:(?<=^)|(?<=[。;;,,:!?\s]))([{CN_DIGITS}]{{1,3}})是")
_INLINE_CN_PAREN = re.compile(rf"(?:(?<=^)|(?<=[。;:!?\s]))\(\s*([{CN_DIGITS}]{{1,3}})\s*\)")
_INLINE_CN = re.compile(rf"(?:(?<=^)|(?<=[。;:!?\s]))([{CN_DIGITS}]{{1,3}})\s*、")
_INLINE_NUM = re.compile(r"(?:(?<=^)|(?<=[。;:!?\s]))(\d{1,2})\s*[.、](?!\d)")


@dataclass(frozen=True)
class InlineMarker:
    family: str
    number: str
    start: int  # where the marker begins
    end: int  # just past the marker


def inline_shi_markers(folded: str) -> list[InlineMarker]:
    """Return the 一是/二是/… markers inside a paragraph that form a sequence starting at 一是.

    A lone 一是 or numerals out of order are ordinary words, not a list.
    """
    found: list[InlineMarker] = []
    expected = 1
    for match in _INLINE_SHI.finditer(folded):
        value = cn_to_int(match.group(1))
        if value == expected:
            found.append(InlineMarker(SHI, match.group(1) + "是", match.start(), match.end()))
            expected += 1
        elif value == 1 and found:
            break  # a second list starts: leave it to its own paragraph
    return found if len(found) >= 2 else []


def run_on_markers(folded: str) -> list[InlineMarker]:
    """Return block markers buried inside a paragraph whose line breaks were lost.

    Only markers that continue a sequence count: (二) after (一), 二、 after 一、, 2. after 1.,
    so a numeral inside a sentence never opens a level.
    """
    candidates: list[InlineMarker] = []
    for family, pattern in ((CN_PAREN, _INLINE_CN_PAREN), (CN, _INLINE_CN), (NUM, _INLINE_NUM)):
        for match in pattern.finditer(folded):
            candidates.append(InlineMarker(family, match.group(1), match.start(), match.end()))
    candidates.sort(key=lambda marker: marker.start)
    accepted: list[InlineMarker] = []
    last_value: dict[str, int] = {}
    for marker in candidates:
        value = cn_to_int(marker.number)
        if value is None:
            continue
        previous = last_value.get(marker.family)
        # A sub-level restarts at 1 under each parent, so 1 is always acceptable.
        if value == 1 or (previous is not None and value == previous + 1):
            accepted.append(marker)
            last_value[marker.family] = value
    return accepted
