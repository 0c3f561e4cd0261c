"""Read a PDF's text layer into paragraphs.

A PDF has lines, not paragraphs. This module drops running headers, footers and page numbers, rejoins the lines a
paragraph was wrapped into, and removes the spaces a text layer puts between Chinese characters (`全 国`). Ruled
tables (cells drawn with lines) become Table blocks, merged cells expanded.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .document import Block, DocumentError, Paragraph, SourceDocument, Table
from .readers import CJK_CHARS, CORRUPT_PDF, clean_text, make_table

NO_TEXT_LAYER = "该 PDF 没有文字层（可能是扫描件或图片），请上传 Word 文档或带文字的 PDF"
ENCRYPTED_PDF = "该 PDF 已加密（设置了密码），无法读取，请取消密码后重新导出 PDF，或上传 Word 文档。"
UNMAPPED_FONTS = "该 PDF 的文字无法提取（字体缺少编码信息），请上传 Word 文档，或用其他软件重新导出 PDF。"

CJK_LIKE = f"{CJK_CHARS}“”‘’—…·"
CJK_SPACE = re.compile(rf"(?<=[{CJK_LIKE}]) (?=\S)|(?<=\S) (?=[{CJK_LIKE}])")
CID_GLYPH = re.compile(r"\(cid:\d+\)")
SENTENCE_END = tuple("。；！？：;!?:")
CLOSERS = "”’）)」』】》"
NUMBERING_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十百]+\s*[)）]"
    r"|\d+\s*[、.．](?!\d)"
    r"|[（(]\s*\d+\s*[)）]"
    r"|[\u2460-\u2473\u2474-\u2487\u2488-\u249b]"
    r"|第[一二三四五六七八九十百\d]+[章节部分条])"
)
DASHES = "-—–－―~～·"
DECORATED_PAGE_NUMBER = re.compile(
    rf"^(?:[{DASHES}]\s*\d+\s*[{DASHES}]?|[{DASHES}]?\s*\d+\s*[{DASHES}]"
    r"|第\s*\d+\s*页(?:\s*[,，、/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+"
    r"|page\s*\d+(?:\s*(?:of|/)\s*\d+)?)$",
    re.I,
)
BARE_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
EDGE_LINES = 2


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        """Approximate the font size by the line's height."""
        return max(self.bottom - self.top, 1.0)


@dataclass
class Page:
    number: int
    lines: list[Line]
    tables: list[tuple[float, Table]] = field(default_factory=list)  # (top, table)
    had_text: bool = True  # whether the text layer had anything before headers and page numbers were dropped
    left: float = 0.0  # the usual left edge of the text
    right: float = 0.0  # the usual right edge: where a full line ends


def read_pdf(data: bytes) -> SourceDocument:
    """Read a PDF's text layer; raise DocumentError for an encrypted, broken or image-only PDF."""
    pages = extract_pages(data)
    if not any(page.lines for page in pages):
        raise DocumentError(NO_TEXT_LAYER)
    remove_running_lines(pages)
    remove_page_numbers(pages)
    for page in pages:
        measure(page)
    return SourceDocument(blocks=list(page_blocks(pages)), format="pdf", warnings=missing_text_warnings(pages))


def extract_pages(data: bytes) -> list[Page]:
    """Extract each page's text lines with their positions."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page_of(number, page) for number, page in enumerate(pdf.pages, start=1)]
    except Exception as error:  # pdfminer raises many kinds of error on a broken or locked file
        raise DocumentError(ENCRYPTED_PDF if is_password_error(error) else CORRUPT_PDF) from error
    unmapped = sum(len(glyph) for page in pages for line in page.lines for glyph in CID_GLYPH.findall(line.text))
    characters = sum(len(line.text) for page in pages for line in page.lines)
    if unmapped > characters / 2:
        raise DocumentError(UNMAPPED_FONTS)
    return pages


def page_of(number: int, page: Any) -> Page:
    """Read a pdfplumber page: its ruled tables, and the text lines outside them."""
    page = page.dedupe_chars()
    found = [table for table in page.find_tables() if len(table.rows) >= 2 and len(table.rows[0].cells) >= 2]
    boxes = [table.bbox for table in found]
    if boxes:
        page = page.filter(lambda obj: not any(is_inside(obj, box) for box in boxes))
    lines = page_lines(page)
    tables = [(table.bbox[1], pdf_table(table)) for table in found]
    return Page(number, lines, tables, had_text=bool(lines or tables))


def is_inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    """Return whether the centre of a page object lies in a (x0, top, x1, bottom) box."""
    x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def page_lines(page: Any) -> list[Line]:
    """Return the non-blank text lines of a pdfplumber page, top to bottom."""
    lines = page.extract_text_lines(return_chars=False)
    result = []
    for line in lines:
        text = clean_text(line["text"])
        if text:
            result.append(Line(text, line["x0"], line["x1"], line["top"], line["bottom"]))
    return result


def is_password_error(error: BaseException) -> bool:
    """Return whether an error from pdfplumber comes from a password or encryption problem."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        if isinstance(item, BaseException):
            pending.extend([*item.args, item.__cause__, item.__context__])
    return False


def missing_text_warnings(pages: list[Page]) -> list[str]:
    empty = [str(page.number) for page in pages if not page.had_text]
    if not empty:
        return []
    return [f"第 {'、'.join(empty)} 页没有文字层（可能是扫描页），其中的内容未能读取。"]


# ---------------------------------------------------------------------------------------------- page furniture


def remove_running_lines(pages: list[Page]) -> None:
    """Drop lines that repeat at the top or bottom of most pages (running headers and footers)."""
    if len(pages) < 2:
        return
    needed = max(2, math.ceil(0.6 * len(pages)))
    for edge in ("top", "bottom"):
        counts = Counter(sig for page in pages for sig in {signature(line.text) for line in edge_lines(page, edge)})
        repeated = {sig for sig, count in counts.items() if count >= needed}
        for page in pages:
            doomed = [line for line in edge_lines(page, edge) if signature(line.text) in repeated]
            page.lines = [line for line in page.lines if not any(line is gone for gone in doomed)]


def remove_page_numbers(pages: list[Page]) -> None:
    """Drop page-number lines (`- 3 -`, `第3页 共10页`, `3/10`, a bare number at the bottom)."""
    for page in pages:
        for edge in ("top", "bottom"):
            doomed = [line for line in edge_lines(page, edge) if is_page_number(line.text, bottom=edge == "bottom")]
            page.lines = [line for line in page.lines if not any(line is gone for gone in doomed)]


def edge_lines(page: Page, edge: str) -> list[Line]:
    return page.lines[:EDGE_LINES] if edge == "top" else page.lines[-EDGE_LINES:]


def signature(text: str) -> str:
    """Reduce a line to what stays the same from page to page: no digits, no spaces."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text.translate(FULL_WIDTH_DIGITS)))


def is_page_number(text: str, *, bottom: bool) -> bool:
    text = text.translate(FULL_WIDTH_DIGITS).strip()
    return bool(DECORATED_PAGE_NUMBER.match(text) or (bottom and BARE_PAGE_NUMBER.match(text)))


# ---------------------------------------------------------------------------------------------- paragraphs


def measure(page: Page) -> None:
    """Find a page's usual left edge (shared by several lines) and right edge (where full lines end)."""
    if not page.lines:
        return
    lefts = Counter(round(line.x0) for line in page.lines)
    shared = [x for x, count in lefts.items() if count >= 2]
    page.left = min(shared) if shared else min(lefts)
    rights = sorted(line.x1 for line in page.lines)
    page.right = rights[int(0.9 * (len(rights) - 1))]


def page_blocks(pages: list[Page]) -> Iterator[Block]:
    """Rejoin wrapped lines into paragraphs, across page breaks too; place tables where they stand."""
    current: list[str] = []
    previous: tuple[Line, Page] | None = None
    for page in pages:
        items: list[tuple[float, Line | Table]] = [(line.top, line) for line in page.lines]
        for _, item in sorted([*items, *page.tables], key=lambda pair: pair[0]):
            if isinstance(item, Line) and previous and continues(*previous, item, page):
                current.append(item.text)
                previous = (item, page)
                continue
            if current:
                yield Paragraph(join_lines(current))
            current, previous = [], None
            if isinstance(item, Table):
                yield item
            else:
                current, previous = [item.text], (item, page)
    if current:
        yield Paragraph(join_lines(current))


def continues(line: Line, page: Page, following: Line, following_page: Page) -> bool:
    """Return whether `following` continues the paragraph that `line` belongs to."""
    if NUMBERING_MARKER.match(following.text) or is_indented(following, following_page):
        return False
    return is_full(line, page) and not line.text.rstrip(CLOSERS).endswith(SENTENCE_END)


def is_full(line: Line, page: Page) -> bool:
    """Return whether a line runs (nearly) to the page's usual right edge from near its left edge."""
    return line.x1 >= page.right - 1.5 * line.size and line.x0 <= page.left + 4 * line.size


def is_indented(line: Line, page: Page) -> bool:
    """Return whether a line starts to the right of the usual left edge, as a paragraph's first line does."""
    return line.x0 >= page.left + 0.8 * line.size


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space next to Chinese text, one space between Latin words."""
    text = lines[0]
    for line in lines[1:]:
        latin = text[-1:].isascii() and text[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
        text += (" " if latin else "") + line
    return CJK_SPACE.sub("", text)


# ---------------------------------------------------------------------------------------------- tables

Box = tuple[float, float, float, float]


def pdf_table(found: Any) -> Table:
    """Read a pdfplumber table; a cell it reports as None is covered by a merged cell to its left or above."""
    texts = found.extract()
    boxes: list[list[Box | None]] = [list(row.cells) for row in found.rows]
    width = max(len(row) for row in boxes)
    boxes = [row + [None] * (width - len(row)) for row in boxes]
    text_of = {box: cell_text(texts[r][c]) for r, row in enumerate(boxes) for c, box in enumerate(row) if box}
    column_left = [min((row[c][0] for row in boxes if row[c]), default=math.inf) for c in range(width)]
    row_top = [min((box[1] for box in row if box), default=math.inf) for row in boxes]
    sources: list[list[Box | None]] = []
    for r, row in enumerate(boxes):
        sources.append([])
        for c, box in enumerate(row):
            left = sources[r][c - 1] if c else None
            above = sources[r - 1][c] if r else None
            if box is None and left and left[2] > column_left[c] + 1:
                box = left
            elif box is None and above and above[3] > row_top[r] + 1:
                box = above
            sources[r].append(box)
    rows = [[text_of.get(box, "") if box else "" for box in row] for row in sources]
    continued = [[bool(box) and box[1] < row_top[r] - 1 for box in row] for r, row in enumerate(sources)]
    return make_table(rows, continued)


def cell_text(text: str | None) -> str:
    """Rejoin a cell's wrapped lines; a line starting with a marker (①, 1.) starts a new line."""
    groups: list[list[str]] = []
    for line in (clean_text(line) for line in (text or "").split("\n")):
        if not line:
            continue
        if groups and not NUMBERING_MARKER.match(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    return "\n".join(join_lines(group) for group in groups)
