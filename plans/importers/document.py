"""What the readers produce: a document as a flat sequence of paragraphs and tables."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """One paragraph of text as the reader found it."""

    text: str
    label: str = ""  # numbering shown but not in the text (Word automatic numbering), e.g. "一、", "1.", "（1）"
    style: str = ""  # the paragraph style name, e.g. "Heading 1", "标题 2"
    heading_level: int | None = None  # 1 for a top heading, from the style or the outline level


@dataclass
class Table:
    """A table; merged cells are expanded so every row has every column."""

    rows: list[list[str]]
    continued: list[list[bool]] = field(default_factory=list)  # True where a cell continues a vertical merge
    name: str = ""  # the sheet name for .xlsx

    def is_continued(self, row: int, column: int) -> bool:
        return (
            bool(self.continued)
            and row < len(self.continued)
            and column < len(self.continued[row])
            and self.continued[row][column]
        )


Block = Paragraph | Table


@dataclass
class SourceDocument:
    """A document read from a file or from pasted text."""

    blocks: list[Block]
    format: str  # "text", "docx", "pdf", "html", "xlsx"
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]


class DocumentError(ValueError):
    """The file cannot be read as a plan; the message says why, in Chinese, and what to do."""
