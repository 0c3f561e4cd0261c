"""Read a .docx: body paragraphs and tables in order, with Word's automatic numbering rendered into labels.

The `一、` or `1.` that Word shows for a numbered paragraph is not in its text; it comes from numbering.xml.
`Numbering` replays Word's counters in document order and renders each paragraph's label.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.parser import parse_xml
from docx.package import Package

from .document import Block, DocumentError, Paragraph, SourceDocument, Table
from .readers import CORRUPT_DOCX, clean_text, make_table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
PLACEHOLDER = re.compile(r"%([1-9])")

CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_UNITS = ("", "十", "百", "千")
LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
LEGAL_UNITS = ("", "拾", "佰", "仟")
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
ROMAN += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def w(tag: str) -> str:
    """Return the Clark name of a WordprocessingML tag, e.g. w("p") → "{…/main}p"."""
    return f"{{{W_NS}}}{tag}"


def attribute(element: Any, name: str = "val") -> str | None:
    return None if element is None else element.get(w(name))


def integer(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def is_on(element: Any) -> bool:
    """Return whether a toggle property like <w:vanish/> is present and not switched off."""
    return element is not None and attribute(element) not in ("0", "false", "off")


# ---------------------------------------------------------------------------------------------- entry point


def read_docx(data: bytes) -> SourceDocument:
    """Read the body of a .docx (headers, footers and footnotes are ignored)."""
    try:
        main = Package.open(io.BytesIO(data)).main_document_part
        document = part_xml(main)
        body = document.find(w("body"))
    except Exception as error:  # python-docx and lxml raise many kinds of error on a broken package
        raise DocumentError(CORRUPT_DOCX) from error
    if body is None:
        raise DocumentError(CORRUPT_DOCX)
    styles = Styles(related_xml(main, RT.STYLES))
    reader = DocxReader(styles, Numbering(related_xml(main, RT.NUMBERING), styles))
    return SourceDocument(blocks=list(reader.blocks(body)), format="docx")


def part_xml(part: Any) -> Any:
    """Return a part's XML root, parsing the blob when python-docx does not know the part's type."""
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def related_xml(part: Any, relationship: str) -> Any:
    """Return the XML of the part related to `part` by `relationship`, or None when there is none."""
    try:
        return part_xml(part.part_related_by(relationship))
    except (KeyError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------- styles


@dataclass
class Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline_level: int | None


class Styles:
    """Paragraph styles by id, with numbering and outline level inherited through w:basedOn."""

    def __init__(self, root: Any) -> None:
        self.styles: dict[str, Style] = {}
        self.default_id: str | None = None
        for element in root.iter(w("style")) if root is not None else ():
            style_id = attribute(element, "styleId") or ""
            ppr = element.find(w("pPr"))
            num_pr = ppr.find(w("numPr")) if ppr is not None else None
            self.styles[style_id] = Style(
                name=attribute(element.find(w("name"))) or style_id,
                based_on=attribute(element.find(w("basedOn"))),
                num_id=attribute(num_pr.find(w("numId"))) if num_pr is not None else None,
                ilvl=integer(attribute(num_pr.find(w("ilvl")))) if num_pr is not None else None,
                outline_level=integer(attribute(ppr.find(w("outlineLvl")))) if ppr is not None else None,
            )
            if attribute(element, "type") == "paragraph" and attribute(element, "default") in ("1", "true"):
                self.default_id = style_id

    def chain(self, style_id: str | None) -> Iterator[Style]:
        """Yield the style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def name(self, style_id: str | None) -> str:
        """Return the style's name, with Word's lowercase built-in heading names capitalised."""
        style = self.styles.get(style_id or "")
        if style is None:
            return style_id or ""
        return style.name.capitalize() if re.fullmatch(r"heading [1-9]", style.name) else style.name

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """Return the (numId, ilvl) a style gives its paragraphs."""
        for style in self.chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None

    def outline_level(self, style_id: str | None) -> int | None:
        return next((style.outline_level for style in self.chain(style_id) if style.outline_level is not None), None)


# ---------------------------------------------------------------------------------------------- numbering


@dataclass(frozen=True)
class Level:
    start: int = 1
    format: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: one-based level whose use restarts this one; 0 = never
    legal: bool = False  # w:isLgl: show every level as Arabic digits
    style_id: str | None = None  # w:pStyle: the paragraph style tied to this level


def parse_level(element: Any) -> tuple[int, Level]:
    """Read a w:lvl element into (ilvl, Level)."""
    return integer(attribute(element, "ilvl"), 0) or 0, Level(
        start=integer(attribute(element.find(w("start"))), 1) or 0,
        format=attribute(element.find(w("numFmt"))) or "decimal",
        text=attribute(element.find(w("lvlText"))) or "",
        restart_after=integer(attribute(element.find(w("lvlRestart")))),
        legal=is_on(element.find(w("isLgl"))),
        style_id=attribute(element.find(w("pStyle"))),
    )


@dataclass
class NumberingInstance:
    """A w:num: an abstract list plus per-level overrides."""

    abstract_id: str
    overrides: dict[int, Level] = field(default_factory=dict)
    restarts: bool = False  # has a startOverride, so it counts separately from other nums of the same list


class Numbering:
    """Word's list definitions and the running counters, advanced paragraph by paragraph in document order."""

    def __init__(self, root: Any, styles: Styles) -> None:
        self.styles = styles
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum id → numbering style id (w:numStyleLink)
        self.instances: dict[str, NumberingInstance] = {}
        self.counters: dict[object, dict[int, int]] = {}
        for element in root.iter(w("abstractNum")) if root is not None else ():
            abstract_id = attribute(element, "abstractNumId") or ""
            self.abstracts[abstract_id] = dict(parse_level(level) for level in element.iter(w("lvl")))
            if link := attribute(element.find(w("numStyleLink"))):
                self.style_links[abstract_id] = link
        for element in root.iter(w("num")) if root is not None else ():
            self.instances[attribute(element, "numId") or ""] = self.parse_instance(element)

    def parse_instance(self, element: Any) -> NumberingInstance:
        instance = NumberingInstance(abstract_id=attribute(element.find(w("abstractNumId"))) or "")
        for override in element.iter(w("lvlOverride")):
            ilvl = integer(attribute(override, "ilvl"), 0) or 0
            level_element = override.find(w("lvl"))
            level = parse_level(level_element)[1] if level_element is not None else None
            start = integer(attribute(override.find(w("startOverride"))))
            if start is not None:
                base = level or self.abstracts.get(instance.abstract_id, {}).get(ilvl, Level())
                level = replace(base, start=start)
                instance.restarts = True
            if level is not None:
                instance.overrides[ilvl] = level
        return instance

    def levels(self, num_id: str) -> dict[int, Level]:
        """Return the levels of a num: its abstract list's levels with the num's overrides applied."""
        instance = self.instances.get(num_id)
        if instance is None:
            return {}
        return {**self.abstract_levels(instance.abstract_id), **instance.overrides}

    def abstract_levels(self, abstract_id: str, depth: int = 0) -> dict[int, Level]:
        """Return an abstract list's levels, following w:numStyleLink to the list a numbering style defines."""
        link = self.style_links.get(abstract_id)
        if link and depth < 5:
            num_id, _ = self.styles.numbering(link)
            if num_id in self.instances:
                return self.abstract_levels(self.instances[num_id].abstract_id, depth + 1)
        return self.abstracts.get(abstract_id, {})

    def label(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> str:
        """Advance the counters for one numbered paragraph and return the label Word shows for it."""
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        levels = self.levels(num_id)
        if ilvl is None:
            ilvl = next((index for index, level in levels.items() if style_id and level.style_id == style_id), 0)
        if ilvl not in levels:
            return ""
        instance = self.instances[num_id]
        counters = self.counters.setdefault(num_id if instance.restarts else ("list", instance.abstract_id), {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper in [index for index in counters if index > ilvl]:
            if restarts_after(levels.get(deeper, Level()), ilvl):
                del counters[deeper]
        return render_label(levels, counters, ilvl)


def restarts_after(level: Level, used: int) -> bool:
    """Return whether a deeper level restarts when level `used` (zero-based) advances."""
    if level.restart_after is None:
        return True
    return level.restart_after > 0 and used <= level.restart_after - 1


def render_label(levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
    """Fill a level's w:lvlText ("%1、", "（%1）", "%1.%2") with the counters in each level's format."""
    level = levels[ilvl]
    if level.format == "bullet":
        return ""

    def number(match: re.Match[str]) -> str:
        index = int(match[1]) - 1
        shown = levels.get(index, Level())
        value = counters.get(index, shown.start)
        return format_number(value, "decimal" if level.legal and index != ilvl else shown.format)

    return PLACEHOLDER.sub(number, level.text)


def format_number(value: int, number_format: str) -> str:
    """Render a counter in a Word number format (w:numFmt)."""
    formatter = NUMBER_FORMATS.get(number_format)
    if formatter is None or value < 0:
        return str(value)
    return formatter(value)


def chinese_counting(value: int, digits: str = CHINESE_DIGITS, units: tuple[str, ...] = CHINESE_UNITS) -> str:
    """Write a number in Chinese numerals: 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百〇五."""
    if value == 0:
        return digits[0]
    if value >= 10000:
        return str(value)
    parts: list[str] = []
    pending_zero = False
    for position, digit in reversed(list(enumerate(int(char) for char in reversed(str(value))))):
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + units[position])
    text = "".join(parts)
    if digits is CHINESE_DIGITS and 10 <= value < 20:
        text = text.removeprefix(digits[1])
    return text


def enclosed(value: int, ranges: tuple[tuple[int, int, int], ...]) -> str:
    """Render a number as an enclosed character (①, ⑴, ⒈ …) when one exists, else as digits."""
    for low, high, first in ranges:
        if low <= value <= high:
            return chr(first + value - low)
    return str(value)


def letters(value: int) -> str:
    """Render 1 → a, 26 → z, 27 → aa, as Word does."""
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else str(value)


def roman(value: int) -> str:
    if value <= 0 or value >= 4000:
        return str(value)
    parts = []
    for amount, symbol in ROMAN:
        count, value = divmod(value, amount)
        parts.append(symbol * count)
    return "".join(parts)


CIRCLED = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))
NUMBER_FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda value: f"{value:02d}",
    "decimalFullWidth": lambda value: str(value).translate(FULL_WIDTH_DIGITS),
    "decimalFullWidth2": lambda value: str(value).translate(FULL_WIDTH_DIGITS),
    "decimalEnclosedCircle": lambda value: enclosed(value, CIRCLED),
    "decimalEnclosedCircleChinese": lambda value: enclosed(value, CIRCLED),
    "decimalEnclosedFullstop": lambda value: enclosed(value, ((1, 20, 0x2488),)),
    "decimalEnclosedParen": lambda value: enclosed(value, ((1, 20, 0x2474),)),
    "ideographEnclosedCircle": lambda value: enclosed(value, ((1, 10, 0x3220),)),
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": lambda value: chinese_counting(value).replace("〇", "零"),
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "ideographDigital": lambda value: "".join(CHINESE_DIGITS[int(char)] for char in str(value)),
    "chineseLegalSimplified": lambda value: chinese_counting(value, LEGAL_DIGITS, LEGAL_UNITS),
    "ideographLegalTraditional": lambda value: chinese_counting(value, "零壹貳參肆伍陸柒捌玖", ("", "拾", "佰", "仟")),
    "ideographTraditional": lambda value: HEAVENLY_STEMS[(value - 1) % 10] if value > 0 else str(value),
    "ideographZodiac": lambda value: EARTHLY_BRANCHES[(value - 1) % 12] if value > 0 else str(value),
    "lowerLetter": letters,
    "upperLetter": lambda value: letters(value).upper(),
    "lowerRoman": lambda value: roman(value).lower(),
    "upperRoman": roman,
    "hex": lambda value: f"{value:X}",
    "none": lambda value: "",
}


# ---------------------------------------------------------------------------------------------- body


SKIPPED_IN_TEXT = {w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("txbxContent"), w("instrText"), MC_FALLBACK}


class DocxReader:
    """Walk the body in order, turning w:p into Paragraphs and w:tbl into Tables."""

    def __init__(self, styles: Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def blocks(self, container: Any) -> Iterator[Block]:
        """Yield the blocks of a body, cell or content control, in order."""
        for child in container:
            if child.tag == w("p"):
                yield from self.paragraphs(child)
            elif child.tag == w("tbl"):
                yield self.table(child)
            elif child.tag in (w("sdt"), w("customXml"), w("sdtContent")):
                content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
                if content is not None:
                    yield from self.blocks(content)

    def paragraphs(self, element: Any) -> Iterator[Paragraph]:
        """Yield one Paragraph per line of a w:p (soft line breaks split it); the label goes on the first."""
        ppr = element.find(w("pPr"))
        style_id = attribute(ppr.find(w("pStyle"))) if ppr is not None else None
        style_id = style_id or self.styles.default_id
        label = self.label(ppr, style_id)
        style = self.styles.name(style_id)
        heading_level = self.heading_level(ppr, style_id)
        for line in paragraph_text(element).split("\n"):
            if text := clean_text(line):
                yield Paragraph(text=text, label=label, style=style, heading_level=heading_level)
                label = ""

    def label(self, ppr: Any, style_id: str | None) -> str:
        """Return the automatic-numbering label of a paragraph, from its own w:numPr or its style's."""
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = attribute(num_pr.find(w("numId"))) if num_pr is not None else None
        ilvl = integer(attribute(num_pr.find(w("ilvl")))) if num_pr is not None else None
        style_num_id, style_ilvl = self.styles.numbering(style_id)
        if num_id is None:
            num_id = style_num_id
        if ilvl is None and num_id == style_num_id:
            ilvl = style_ilvl
        return self.numbering.label(num_id, ilvl, style_id)

    def heading_level(self, ppr: Any, style_id: str | None) -> int | None:
        """Return 1 for a top heading: from a "Heading N"/"标题 N" style, else from the outline level."""
        for style in self.styles.chain(style_id):
            if match := HEADING_STYLE.match(style.name):
                return int(match[1])
        outline = integer(attribute(ppr.find(w("outlineLvl")))) if ppr is not None else None
        if outline is None:
            outline = self.styles.outline_level(style_id)
        return outline + 1 if outline is not None and 0 <= outline <= 8 else None

    def table(self, element: Any) -> Table:
        """Read a w:tbl with merged cells expanded: gridSpan repeats across, vMerge copies down."""
        rows: list[list[str]] = []
        continued: list[list[bool]] = []
        for row in table_rows(element):
            texts, flags = self.row_cells(row)
            for column, flag in enumerate(flags):
                if flag:
                    above = rows[-1] if rows else []
                    texts[column] = above[column] if column < len(above) else ""
            rows.append(texts)
            continued.append(flags)
        return make_table(rows, continued)

    def row_cells(self, row: Any) -> tuple[list[str], list[bool]]:
        """Return a row's texts by grid column, and which columns continue a vertical merge."""
        trpr = row.find(w("trPr"))
        before = integer(attribute(trpr.find(w("gridBefore")))) if trpr is not None else None
        texts, flags = [""] * (before or 0), [False] * (before or 0)
        for cell in row_cells(row):
            tcpr = cell.find(w("tcPr"))
            span = max(1, integer(attribute(tcpr.find(w("gridSpan"))) if tcpr is not None else None, 1) or 1)
            vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
            hmerge = tcpr.find(w("hMerge")) if tcpr is not None else None
            text = self.cell_text(cell)
            if hmerge is not None and attribute(hmerge) != "restart" and texts:
                text = texts[-1]
            is_continuation = vmerge is not None and attribute(vmerge) != "restart"
            texts.extend([text] * span)
            flags.extend([is_continuation] * span)
        return texts, flags

    def cell_text(self, cell: Any) -> str:
        """Return a cell's text, one line per paragraph, numbering labels included."""
        lines = []
        for block in self.blocks(cell):
            if isinstance(block, Paragraph):
                lines.append(block.label + block.text)
            else:
                lines.extend(" ".join(text for text in row if text) for row in block.rows)
        return "\n".join(line for line in lines if line)


def table_rows(table: Any) -> Iterator[Any]:
    """Yield the w:tr of a table, including rows wrapped in content controls."""
    for child in table:
        if child.tag == w("tr"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            yield from table_rows(child.find(w("sdtContent")) if child.tag == w("sdt") else child)
        elif child.tag == w("sdtContent"):
            yield from table_rows(child)


def row_cells(row: Any) -> Iterator[Any]:
    """Yield the w:tc of a row, including cells wrapped in content controls."""
    for child in row:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from row_cells(content)


def paragraph_text(paragraph: Any) -> str:
    """Return the visible text of a w:p: runs, hyperlinks, fields and inline content controls, in order."""
    parts: list[str] = []
    collect_text(paragraph, parts)
    return "".join(parts)


def collect_text(element: Any, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED_IN_TEXT:
            continue
        if tag == w("t"):
            parts.append(child.text or "")
        elif tag in (w("tab"), w("ptab")):
            parts.append("\t")
        elif tag in (w("br"), w("cr")):
            if attribute(child, "type") in (None, "textWrapping"):
                parts.append("\n")
        elif tag == w("noBreakHyphen"):
            parts.append("-")
        elif tag == w("r") and is_hidden(child):
            continue
        else:
            collect_text(child, parts)


def is_hidden(run: Any) -> bool:
    """Return whether a run is hidden text (w:vanish), which Word does not show."""
    rpr = run.find(w("rPr"))
    return rpr is not None and is_on(rpr.find(w("vanish")))
