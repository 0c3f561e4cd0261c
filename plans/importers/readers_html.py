"""Read a saved web page: drop the site around the document (navigation, sidebars, footers), keep its text.

The content is the <article>, else the element that holds most of the page's text; the page title (an h1–h3 or a
"title" element before it) is kept too. Tables become Table blocks with rowspan/colspan expanded.
"""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from .document import Block, DocumentError, Paragraph, Table
from .readers import CJK_CHARS, clean_text, make_table
from .readers_docx import format_number

NO_CONTENT = "网页中没有找到正文内容，请打开网页复制正文后直接粘贴，或上传 Word 文档。"
DECLARED_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w:.]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([-\w.]+)""", re.I)
GB_CHARSETS = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "gb18030", "hz-gb-2312"}

INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "canvas", "object", "embed", "iframe", "head"]
NOISE_TAGS = {"nav", "aside", "form", "header", "footer", "button", "select", "textarea", "input", "menu"}
PAGE_FRAME = {"header", "footer", "head", "foot", "top", "bottom", "topbar", "toolbar"}  # kept inside an article
NOISE_WORDS = ("nav", "menu", "breadcrumb", "crumb", "sidebar", "footer", "header", "share", "related", "comment")
NOISE_WORDS += ("copyright", "advert", "banner", "pager", "pagination", "social", "login", "search", "weixin")
NOISE_TOKENS = {"ad", "ads", "adv", "side", "foot", "top", "bottom", "bdshare", "print", "qrcode", "ewm", "gotop"}
TITLE_TOKENS = {"title", "tit", "biaoti", "headline"}
WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")

HEADINGS = {f"h{level}": level for level in range(1, 7)}
PARAGRAPH_TAGS = {"p", "li", "pre", "blockquote", "dd", "dt", "address", "figcaption", "caption", *HEADINGS}
BLOCK_TAGS = PARAGRAPH_TAGS | {"div", "section", "article", "main", "ul", "ol", "dl", "center", "figure", "hr", "body"}
BLOCK_TAGS |= {"header", "footer", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "html"}
SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
NEWLINE_IN_CHINESE = re.compile(rf"(?<=[{CJK_CHARS}])[ \t\r\f]*\n\s*(?=[{CJK_CHARS}])")
WHITESPACE = re.compile(r"[ \t\n\r\f\xa0]+")
LIST_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
MAX_SPAN = 200
LONG_CELL = 1000  # a table cell holding more text than this is page layout, not data


def declared_charset(data: bytes) -> str | None:
    """Return the charset a page declares (<meta charset>, http-equiv, XML declaration), as a Python codec."""
    head = data[:8192]
    match = DECLARED_CHARSET.search(head) or XML_ENCODING.search(head)
    if not match:
        return None
    name = match[1].decode("ascii", errors="ignore").lower()
    if name in GB_CHARSETS:
        return "gb18030"  # pages labelled gb2312 are usually GBK; GB18030 reads both
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def html_blocks(text: str) -> list[Block]:
    """Return the paragraphs and tables of the page's main content."""
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    for element in root.find_all(INVISIBLE_TAGS):
        element.decompose()
    for comment in root.find_all(string=lambda string: isinstance(string, Comment)):
        comment.extract()
    remove_noise(root)
    container, titles = main_content(root)
    blocks = [*titles, *BlockWalker().read(container)]
    if not blocks:
        raise DocumentError(NO_CONTENT)
    return blocks


# ---------------------------------------------------------------------------------------------- noise


def remove_noise(root: Tag) -> None:
    """Drop navigation, sidebars, footers, share buttons and the like; never anything holding most of the text."""
    total = text_length(root)
    for element in root.find_all(True):
        if element.decomposed or element is root:
            continue
        if is_noise(element) and text_length(element) <= 0.5 * total:
            element.decompose()


def is_noise(element: Tag) -> bool:
    """Return whether an element is site furniture, by its tag or by the words in its id and class."""
    inside_article = element.find_parent(["article", "main"]) is not None
    if element.name in NOISE_TAGS:
        return not (inside_article and element.name in PAGE_FRAME)
    words = id_class_words(element)
    if inside_article:
        words -= PAGE_FRAME
        words = {word for word in words if not word.startswith(("header", "footer"))}
    return bool(words & NOISE_TOKENS) or any(word.startswith(NOISE_WORDS) for word in words)


def id_class_words(element: Tag) -> set[str]:
    """Split an element's id and classes into lowercase words: "main-navBar" → {"main", "nav", "bar"}."""
    classes = element.get("class") or []
    names = [element.get("id") or "", *(classes if isinstance(classes, list) else [classes])]
    return {word.lower() for name in names for word in WORD_SPLIT.split(str(name)) if word}


def text_length(element: Tag) -> int:
    return len(WHITESPACE.sub("", element.get_text()))


# ---------------------------------------------------------------------------------------------- main content


def main_content(root: Tag) -> tuple[Tag, list[Paragraph]]:
    """Find the element holding the document, and the title paragraphs found before it."""
    total = text_length(root)
    articles = root.find_all("article")
    if articles:
        article = max(articles, key=text_length)
        if text_length(article) >= 0.3 * total:
            return article, titles_before(article.parent, article) if article.parent else []
    node, titles = root, []
    while True:
        children = [child for child in node.find_all(True, recursive=False) if text_length(child)]
        if not children:
            break
        best = max(children, key=text_length)
        if best.name in PARAGRAPH_TAGS or text_length(best) < 0.6 * text_length(node):
            break
        if best.name == "table" and not is_layout_table(best):
            break
        titles = titles_before(node, best) or titles  # the title nearest the content wins
        node = best
    return node, titles


def titles_before(node: Tag, content: Tag) -> list[Paragraph]:
    """Return the page title: h1–h3 or "title" elements inside `node` that come before `content`."""
    titles: list[Paragraph] = []
    for element in node.find_all(True):
        if element is content:
            break
        if is_inside_title(element, node):
            continue
        level = HEADINGS.get(element.name or "")
        is_title = (level is not None and level <= 3) or bool(id_class_words(element) & TITLE_TOKENS)
        text = inline_text(element)
        if is_title and text and len(text) <= 120:
            titles.append(Paragraph(text=text, heading_level=level or 1))
    return titles


def is_inside_title(element: Tag, node: Tag) -> bool:
    """Return whether an ancestor of `element` below `node` is itself a title (to avoid reading it twice)."""
    for parent in element.parents:
        if parent is node:
            return False
        if parent.name in HEADINGS or id_class_words(parent) & TITLE_TOKENS:
            return True
    return False


def is_layout_table(table: Tag) -> bool:
    """Return whether a table lays out the page rather than holding data."""
    if table.find("table") or table.find(list(HEADINGS)):
        return True
    cells = own_cells(table)
    if max((len(row) for row in cells), default=0) <= 1:
        return True
    return any(text_length(cell) > LONG_CELL for row in cells for cell in row)


# ---------------------------------------------------------------------------------------------- blocks


class BlockWalker:
    """Turn an element's content into blocks: block elements and <br> end paragraphs, tables become Tables."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.heading_level: int | None = None
        self.label = ""

    def read(self, element: Tag) -> list[Block]:
        """Return the blocks of an element's content."""
        self.walk(element)
        self.flush()
        return self.blocks

    def walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag):
                self.visit(child)

    def visit(self, tag: Tag) -> None:
        if tag.name == "br":
            self.flush()
        elif tag.name == "table" and not is_layout_table(tag):
            self.flush()
            if table := html_table(tag):
                self.blocks.append(table)
        elif tag.name in BLOCK_TAGS:
            self.flush()
            saved = self.heading_level, self.label
            self.heading_level = HEADINGS.get(tag.name, self.heading_level)
            self.label = list_label(tag) if tag.name == "li" else self.label
            self.walk(tag)
            self.flush()
            self.heading_level, self.label = saved
        else:
            self.walk(tag)

    def flush(self) -> None:
        """End the current paragraph."""
        text = collapse_whitespace("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.blocks.append(Paragraph(text=text, label=self.label, heading_level=self.heading_level))
            self.label = ""


def collapse_whitespace(text: str) -> str:
    """Collapse HTML whitespace; a source line break between Chinese characters is dropped, not made a space."""
    return clean_text(WHITESPACE.sub(" ", NEWLINE_IN_CHINESE.sub("", text)))


def inline_text(element: Tag) -> str:
    return collapse_whitespace(element.get_text(" "))


def list_label(item: Tag) -> str:
    """Return the number a browser shows for an <li> of an <ol>, e.g. "3."; "" for other lists."""
    parent = item.parent
    if parent is None or parent.name != "ol":
        return ""
    start = parse_int(parent.get("start"), 1)
    siblings = parent.find_all("li", recursive=False)
    position = next(index for index, sibling in enumerate(siblings) if sibling is item)
    value = parse_int(item.get("value"), start + position)
    return format_number(value, LIST_FORMATS.get(str(parent.get("type") or "1"), "decimal")) + "."


def parse_int(value: object, default: int) -> int:
    try:
        return int(str(value)) if value is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------- tables


def own_rows(table: Tag) -> list[Tag]:
    """Return the rows of this table, not of tables nested in its cells."""
    return table.select(":scope > tr, :scope > thead > tr, :scope > tbody > tr, :scope > tfoot > tr")


def own_cells(table: Tag) -> list[list[Tag]]:
    return [row.find_all(["td", "th"], recursive=False) for row in own_rows(table)]


def html_table(table: Tag) -> Table | None:
    """Read a table with rowspan and colspan expanded; rowspan continuations are marked continued."""
    rows = own_cells(table)
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    for row_index, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while (row_index, column) in grid:
                column += 1
            text = cell_text(cell)
            rowspan = parse_int(cell.get("rowspan"), 1)
            rowspan = len(rows) - row_index if rowspan <= 0 else min(rowspan, len(rows) - row_index)
            colspan = min(max(parse_int(cell.get("colspan"), 1), 1), MAX_SPAN)
            for down in range(rowspan):
                for across in range(colspan):
                    grid[(row_index + down, column + across)] = (text, down > 0)
            column += colspan
    if not grid:
        return None
    width = max(column for _, column in grid) + 1
    texts = [[grid.get((row, column), ("", False))[0] for column in range(width)] for row in range(len(rows))]
    flags = [[grid.get((row, column), ("", False))[1] for column in range(width)] for row in range(len(rows))]
    kept = [index for index, row in enumerate(texts) if any(row)]
    if not kept:
        return None
    return make_table([texts[index] for index in kept], [flags[index] for index in kept])


def cell_text(cell: Tag) -> str:
    """Return a cell's text, one line per paragraph."""
    lines = []
    for block in BlockWalker().read(cell):
        if isinstance(block, Paragraph):
            lines.append(block.label + block.text)
        else:
            lines.extend(" ".join(text for text in row if text) for row in block.rows)
    return "\n".join(lines)
