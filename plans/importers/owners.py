"""Read owner annotations (牵头单位, 配合单位, 分管领导) out of an item's text.

Matching runs on the folded text (half-width, Simplified), which has the same length as the
source, so every name is returned exactly as the source writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.importers.normalize import fold


@dataclass(frozen=True)
class Owners:
    """The units and leaders an item names, as written."""

    lead: tuple[str, ...]  # 牵头单位 / 责任单位 / 责任科室 / 负责科室 / 牵头科室 / 主办
    co: tuple[str, ...]  # 配合单位 / 协办单位 / 配合科室
    leaders: tuple[str, ...] = ()  # 分管领导 / 责任领导, and persons named as lead (由王强同志牵头)
    text: str = ""  # the whole annotation as written, e.g. "(责任单位:区域教育中心建设专班)"


_FIRM_LEAD_LABELS = ("牵头单位", "牵头科室", "牵头部门", "牵头处室", "主办单位", "主责单位", "主责科室", "主办", "牵头")
_RESPONSIBLE_LABELS = ("责任单位", "责任科室", "责任部门", "责任处室", "负责单位", "负责科室", "负责部门", "承办单位")
_CO_LABELS = (
    "配合单位",
    "配合科室",
    "配合部门",
    "协办单位",
    "协办科室",
    "协助单位",
    "协同单位",
    "参与单位",
    "配合",
    "协办",
)
_LEADER_LABELS = ("分管局领导", "分管领导", "责任领导", "牵头领导", "联系领导", "局领导", "责任人")
_OTHER_LABELS = ("完成时限", "完成时间", "时间节点", "时间要求", "时限", "期限", "时间", "备注")

_ROLE_OF_LABEL = (
    {label: "lead" for label in _FIRM_LEAD_LABELS}
    | {label: "responsible" for label in _RESPONSIBLE_LABELS}
    | {label: "co" for label in _CO_LABELS}
    | {label: "leaders" for label in _LEADER_LABELS}
    | {label: "other" for label in _OTHER_LABELS}
)


def _spaced(word: str) -> str:
    """Return a pattern for the word that tolerates stray spaces between its characters (PDF text)."""
    return r"\s*".join(map(re.escape, word))


_LABEL = re.compile(
    r"(?P<label>" + "|".join(_spaced(label) for label in sorted(_ROLE_OF_LABEL, key=len, reverse=True)) + r")\s*:"
)
_OWNER_LABEL_AT_START = re.compile(
    r"\s*(?:"
    + "|".join(
        _spaced(label) for label, role in sorted(_ROLE_OF_LABEL.items(), key=lambda i: -len(i[0])) if role != "other"
    )
    + r")\s*:"
)
_LABELLED_LINE = re.compile(
    r"(?:^|(?<=[。;!?]))[ \t]*(?="
    + "|".join(_spaced(label) for label, role in _ROLE_OF_LABEL.items() if role != "other")
    + r")[^\n]*",
    re.MULTILINE,
)
_BRACKETED = re.compile(r"\((?P<inner>[^()\n]*)\)|\[(?P<square>[^\[\]\n]*)\]")

_LEAD_VERB = r"(?:负责)?牵头(?:负责|实施|抓总|落实)?"
_CO_VERB = r"(?:协助|配合|协同|协办|参与)(?:实施|落实|完成)?"
_LEAD_CLAUSE = re.compile(rf"(?:由)?(?P<lead>.+?){_LEAD_VERB}(?:[、](?P<co>.+?){_CO_VERB})?")
_CO_CLAUSE = re.compile(rf"(?P<co>.+?){_CO_VERB}")
_CLAUSE = re.compile(r"[^,;。]+")
_NOT_IN_NAMES = ("亲自", "共同", "统一", "积极", "主动", "要", "将", "应", "做好", "进行", "的", "并", "负责")

_UNIT_ENDINGS = (*"科室办处局委部组班校园馆站所会院团队学宫股", "中心", "单位")
_PERSON_TITLES = ("同志", "局长", "书记", "主任", "督学", "科长", "校长", "园长", "调研员")
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤庄洪柯翁连施"
)
_SEPARATORS = ",;、/\n"
_JOINERS = ("以及", "及", "和", "与")


@dataclass
class _Found:
    """Owners gathered from the annotations of one text."""

    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, role: str, names: tuple[str, ...]) -> None:
        target = {"lead": self.lead, "co": self.co, "leaders": self.leaders}[role]
        target.extend(name for name in names if name not in target)


def split_unit_names(text: str) -> tuple[str, ...]:
    """Return the names in a list of units: "组干科、机关党委" → ("组干科", "机关党委").

    Splits on 、,，;；/ and line breaks outside brackets; splits on 及/和/与/以及 only between two
    whole unit names (各中小学校及幼儿园, but not 体育卫生与艺术教育科); drops a trailing 等.
    """
    names: list[str] = []
    for piece in _split_outside_brackets(text):
        names.extend(_split_joined(piece))
    return tuple(name for name in (_trim_name(name) for name in names) if name)


def _split_outside_brackets(text: str) -> list[str]:
    folded = fold(text)
    pieces: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(folded):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char in _SEPARATORS and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _split_joined(piece: str) -> list[str]:
    """Split "基教科和学前科" or "各中小学校及幼儿园" where the left side is a whole unit name."""
    folded = fold(piece)
    for joiner in (*_JOINERS, "等"):
        index = folded.find(joiner, 1)
        while index != -1:
            left = folded[:index].strip()
            if left.endswith(_UNIT_ENDINGS) and folded[index + len(joiner) :].strip():
                return [piece[:index], *_split_joined(piece[index + len(joiner) :])]
            index = folded.find(joiner, index + 1)
    return [piece]


def _trim_name(name: str) -> str:
    name = name.strip(" \t\r\n。.:：")
    return name[:-1].rstrip() if fold(name).endswith("等") and len(name) > 1 else name


def _is_person(name: str) -> bool:
    """Return True for a person (王强, 王强同志, 李四副局长), False for a unit (团委, 基建办)."""
    folded = fold(name).replace(" ", "")
    if folded.endswith(_PERSON_TITLES):
        return True
    return 2 <= len(folded) <= 3 and folded[0] in _SURNAMES and not folded.endswith(_UNIT_ENDINGS)


def _person_name(name: str) -> str:
    return name[:-2].rstrip() if fold(name).endswith("同志") else name


def _valid_names(names: tuple[str, ...]) -> bool:
    folded = [fold(name) for name in names]
    return bool(names) and all(
        1 <= len(name) <= 30 and not any(word in name for word in _NOT_IN_NAMES) for name in folded
    )


def _add_names(found: _Found, role: str, names: tuple[str, ...]) -> None:
    """Add names under a role; persons named as lead or co go to the leaders."""
    if role == "leaders":
        found.add("leaders", tuple(_person_name(name) for name in names))
        return
    found.add(role, tuple(name for name in names if not _is_person(name)))
    found.add("leaders", tuple(_person_name(name) for name in names if _is_person(name)))


def _read_labelled(original: str, folded: str, found: _Found) -> bool:
    """Read "牵头单位:基教科;配合单位:计财科、人事科"; return False when no owner label is there."""
    labels = list(_LABEL.finditer(folded))
    roles = [_ROLE_OF_LABEL[re.sub(r"\s+", "", label.group("label"))] for label in labels]
    if not labels or folded[: labels[0].start()].strip() or all(role == "other" for role in roles):
        return False
    has_firm_lead = "lead" in roles
    for index, (label, role) in enumerate(zip(labels, roles, strict=True)):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(folded)
        names = split_unit_names(original[label.end() : end])
        if role == "responsible":
            role = "co" if has_firm_lead else "lead"
        if role != "other":
            _add_names(found, role, names)
    return True


_Clause = tuple[int, int, str, tuple[int, int]]  # start, end, role, the span of the names


def _prose_clauses(folded: str) -> list[_Clause]:
    """Return the owner clauses of a text: (start, end, role, names) for 办公室牵头 / 各科室配合."""
    clauses: list[_Clause] = []
    for clause in _CLAUSE.finditer(folded):
        start = clause.start() + len(clause.group()) - len(clause.group().lstrip())
        end = clause.start() + len(clause.group().rstrip())
        text = folded[start:end]
        lead = _LEAD_CLAUSE.fullmatch(text)
        if lead:
            clauses.append((start, end, "lead", (start + lead.start("lead"), start + lead.end("lead"))))
            if lead.group("co"):
                clauses.append((start, end, "co", (start + lead.start("co"), start + lead.end("co"))))
            continue
        co = _CO_CLAUSE.fullmatch(text)
        if co and clauses and clauses[-1][2] in ("lead", "co"):
            clauses.append((start, end, "co", (start + co.start("co"), start + co.end("co"))))
    return clauses


def _read_prose(original: str, folded: str, *, offset: int = 0, whole: bool = False) -> _Found | None:
    """Read "由基教科牵头，学前科、计财科配合" from a text; whole=True requires it to start the text."""
    found = _Found()
    previous_end: int | None = None
    for start, end, role, (name_start, name_end) in _prose_clauses(folded):
        names = split_unit_names(original[name_start:name_end])
        if not _valid_names(names):
            continue
        if role == "co" and previous_end is None:
            continue
        if whole and not found.spans and folded[:start].strip():
            return None
        _add_names(found, role, names)
        found.spans.append((offset + start, offset + end))
        previous_end = end
    return found if found.spans else None


def _read_bracket(original: str, folded: str, found: _Found) -> bool:
    """Read a bracketed annotation's content; return False when it names no owners."""
    if _OWNER_LABEL_AT_START.match(folded):
        return _read_labelled(original, folded, found)
    prose = _read_prose(original, folded, whole=True)
    if prose is None:
        return False
    for role in ("lead", "co", "leaders"):
        found.add(role, tuple(getattr(prose, role)))
    return True


def _annotations(text: str, folded: str) -> _Found:
    found = _Found()
    for bracket in _BRACKETED.finditer(folded):
        group = "inner" if bracket.group("inner") is not None else "square"
        start, end = bracket.span(group)
        if _read_bracket(text[start:end], folded[start:end], found):
            found.spans.append(bracket.span())
    for line in _LABELLED_LINE.finditer(folded):
        if not _inside(line.start(), found.spans) and _read_labelled(text[slice(*line.span())], line.group(), found):
            found.spans.append(line.span())
    if not found.spans:
        prose = _read_prose(text, folded)
        if prose is not None:
            return prose
    return found


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join spans separated only by commas or spaces (办公室牵头,各科室配合 is one annotation)."""
    folded = fold(text)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not folded[merged[-1][1] : start].strip(" \t,;、"):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Return the text with the annotations cut out, and the comma that introduced a prose annotation."""
    folded = fold(text)
    kept: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        cut = start
        while cut > cursor and folded[cut - 1] in " \t":
            cut -= 1
        if cut > cursor and folded[cut - 1] in ",;、" and text[start] not in "([（【":
            cut -= 1
        kept.append(text[cursor:cut])
        cursor = end
    kept.append(text[cursor:])
    lines = [line.rstrip() for line in "".join(kept).splitlines()]
    return "\n".join(line for line in lines if line.strip()).strip().lstrip(",，;；、").strip()


def extract_owners(text: str) -> tuple[Owners | None, str]:
    """Return the owners an item's text names and the text with those annotations removed.

    Reads bracketed annotations ((责任单位:…), [牵头单位:…;配合单位:…], 【…】), labelled lines
    (责任单位:… on a line or after a full stop) and, when neither is present, prose clauses
    (办公室牵头,各科室配合). When a 牵头 label is present, 责任单位 names are co-units.
    """
    folded = fold(text)
    found = _annotations(text, folded)
    if not found.spans:
        return None, text.strip()
    spans = _merged(text, found.spans)
    written = "".join(text[start:end] for start, end in spans)
    owners = Owners(tuple(found.lead), tuple(found.co), tuple(found.leaders), written.strip())
    return owners, _without_spans(text, spans)
