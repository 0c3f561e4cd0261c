"""Read a plan document — file bytes or pasted text — into a SourceDocument of paragraphs and tables.

`read_document` recognises the format from the bytes (magic numbers, zip contents) before the file name, so a
"report.doc" that is really HTML or .docx is still read. Heavy libraries are imported only by the reader that
needs them (readers_docx, readers_pdf, readers_html).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from .document import Block, DocumentError, Paragraph, SourceDocument, Table

SUPPORTED = "请上传 Word 文档（.docx）、PDF、Excel 表格（.xlsx）、网页（.html）或文本文件（.txt），也可以直接粘贴文字"
EMPTY_FILE = "文件是空的（0 字节），请检查文件后重新上传。"
EMPTY_PASTE = "粘贴的内容为空，请粘贴计划正文后再导入。"
NO_CONTENT = "文件中没有找到文字内容，请检查是否选错了文件。"
UNKNOWN_ENCODING = "无法识别文本文件的编码，请用记事本或 WPS 打开后“另存为”UTF-8 编码再上传，也可以直接复制文字粘贴。"
OLD_WORD = "这是旧版 Word 文档（.doc），无法直接读取，请在 Word 或 WPS 中“另存为”.docx 格式后重新上传。"
OLD_EXCEL = "这是旧版 Excel 表格（.xls），无法直接读取，请在 Excel 或 WPS 中“另存为”.xlsx 格式后重新上传。"
OLD_OFFICE = "这是旧版 Office 文件，无法直接读取，请另存为 .docx（Word）或 .xlsx（Excel）后重新上传。"
PROTECTED_OFFICE = "文件设置了打开密码，无法读取，请在 Word 或 Excel 中取消密码后重新上传。"
IMAGE_FILE = f"这是图片文件，无法读取其中的文字；{SUPPORTED}。"
CORRUPT_DOCX = "Word 文档已损坏或格式不正确，无法读取，请用 Word 或 WPS 打开后重新保存为 .docx 再上传。"
CORRUPT_XLSX = "Excel 表格已损坏或格式不正确，无法读取，请用 Excel 或 WPS 打开后重新保存为 .xlsx 再上传。"
CORRUPT_PDF = "PDF 文件已损坏，无法读取，请重新导出 PDF，或上传 Word 文档。"

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a .docx or .xlsx that unpacks to more is a zip bomb, not a plan
UTF8_BOM = b"\xef\xbb\xbf"
TEXT_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (UTF8_BOM, "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
)
OTHER_SIGNATURES = (
    (b"MZ", "Windows 程序"),
    (b"\x7fELF", "可执行程序"),
    (b"\xcf\xfa\xed\xfe", "可执行程序"),
    (b"\xca\xfe\xba\xbe", "可执行程序"),
    (b"Rar!\x1a\x07", "RAR 压缩包，请解压后上传其中的文档"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包，请解压后上传其中的文档"),
    (b"\x1f\x8b", "gzip 压缩包，请解压后上传其中的文档"),
    (b"BZh", "bzip2 压缩包，请解压后上传其中的文档"),
    (b"\xfd7zXZ\x00", "xz 压缩包，请解压后上传其中的文档"),
    (b"SQLite format 3\x00", "数据库文件"),
    (b"{\\rtf", "RTF 文档，请在 Word 或 WPS 中“另存为”.docx"),
    (b"%!PS", "PostScript 文件，请导出为 PDF"),
)
HTML_EXTENSIONS = {".htm", ".html", ".xhtml", ".shtml"}
HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>/]", re.I | re.S
)

STRIP_CHARS = " \t\n\r\f\v\u3000\xa0\ufeff\u200b\u200c\u200d\u2028\u2029"
CJK_CHARS = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3200-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
MARKDOWN_SEPARATOR = re.compile(r"^:?-{2,}:?$")


# ---------------------------------------------------------------------------------------------- dispatch


def read_document(filename: str, data: bytes, *, max_bytes: int = 20 * 1024 * 1024) -> SourceDocument:
    """Read an uploaded file; raise DocumentError, in Chinese, when it cannot be read as a plan."""
    if not data:
        raise DocumentError(EMPTY_FILE)
    if len(data) > max_bytes:
        raise DocumentError(
            f"文件大小为 {format_size(len(data))}，超过了 {format_size(max_bytes)} 的上限，"
            "请删除文档中的图片、拆分文件，或直接复制文字粘贴。"
        )
    extension = PurePath(filename or "").suffix.lower()
    kind = detect_format(data, extension)
    document = READERS[kind](data)
    if not document.blocks:
        raise DocumentError(NO_CONTENT)
    return document


def read_text(text: str) -> SourceDocument:
    """Read pasted text: one paragraph per non-blank line, tab- or pipe-separated runs as tables."""
    blocks = text_blocks(text)
    if not blocks:
        raise DocumentError(EMPTY_PASTE)
    return SourceDocument(blocks=blocks, format="text")


def detect_format(data: bytes, extension: str) -> str:
    """Name the reader for these bytes ("text", "docx", "pdf", "html", "xlsx"), or raise DocumentError."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return zip_format(data, extension)
    if data.startswith(OLE_SIGNATURE):
        raise DocumentError(ole_message(data, extension))
    if is_image(data):
        raise DocumentError(IMAGE_FILE)
    for signature, description in OTHER_SIGNATURES:
        if data.startswith(signature):
            raise DocumentError(f"不支持的文件类型（{description}）；{SUPPORTED}。")
    if extension == ".docx":
        raise DocumentError(CORRUPT_DOCX)
    if extension in (".xlsx", ".xlsm"):
        raise DocumentError(CORRUPT_XLSX)
    if extension == ".pdf":
        raise DocumentError(CORRUPT_PDF)
    if not data.startswith(tuple(bom for bom, _, _ in TEXT_BOMS)) and looks_binary(data):
        raise DocumentError(f"无法识别的文件类型；{SUPPORTED}。")
    if extension in HTML_EXTENSIONS or looks_like_html(data):
        return "html"
    return "csv" if extension == ".csv" else "text"


def zip_format(data: bytes, extension: str) -> str:
    """Tell a .docx from an .xlsx by the parts inside the zip; reject other zip files."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        members = []
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise DocumentError("文件解压后过大，无法读取，请删除文档中的图片后重新保存再上传。")
    names = [member.filename for member in members]
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if extension == ".docx" or (not names and extension in (".doc", ".wps")):
        raise DocumentError(CORRUPT_DOCX)
    if extension in (".xlsx", ".xlsm") or (not names and extension in (".xls", ".et")):
        raise DocumentError(CORRUPT_XLSX)
    if "mimetype" in names:
        raise DocumentError("这是 OpenDocument 文件（.odt/.ods），请另存为 .docx 或 .xlsx 后重新上传。")
    if any(name.startswith("ppt/") for name in names):
        raise DocumentError(f"不支持演示文稿（.pptx）；{SUPPORTED}。")
    raise DocumentError("这是压缩包（.zip），请解压后上传其中的文档。")


def ole_message(data: bytes, extension: str) -> str:
    """Explain an old binary Office file (or a password-protected .docx/.xlsx, which is stored the same way)."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        return PROTECTED_OFFICE
    if "WordDocument".encode("utf-16-le") in data or extension in (".doc", ".wps", ".dot"):
        return OLD_WORD
    if "Workbook".encode("utf-16-le") in data or extension in (".xls", ".et", ".xlt"):
        return OLD_EXCEL
    return OLD_OFFICE


def is_image(data: bytes) -> bool:
    """Return whether the bytes start like a common image format."""
    if data.startswith(IMAGE_SIGNATURES):
        return True
    if data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00":
        return True
    return (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or data[4:12] in (b"ftypheic", b"ftypheix", b"ftypavif")


def looks_binary(data: bytes) -> bool:
    """Return whether the start of the file has NUL bytes or many control bytes, as no text file does."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f\x1b")
    return controls > len(sample) * 0.02


def looks_like_html(data: bytes) -> bool:
    """Return whether the file starts like an HTML page."""
    head = data[:2048]
    for bom, codec, _ in TEXT_BOMS:
        if head.startswith(bom):
            head = head.decode(codec, errors="ignore").encode("ascii", errors="ignore")
            break
    return bool(HTML_START.match(head))


def format_size(size: int) -> str:
    """Format a byte count for a message, e.g. "20 MB"."""
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB".replace(".0 MB", " MB") if megabytes >= 0.1 else f"{size} 字节"


# ---------------------------------------------------------------------------------------------- text


def read_text_file(data: bytes) -> SourceDocument:
    """Read a .txt file in UTF-8, UTF-16/32 with a byte-order mark, or GBK/GB18030."""
    text, encoding = decode_text(data)
    return SourceDocument(blocks=text_blocks(text), format="text", encoding=encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes and name the encoding; raise DocumentError rather than guess."""
    for bom, codec, name in TEXT_BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as error:
                raise DocumentError(UNKNOWN_ENCODING) from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for codec in ("gbk", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if is_plausible_chinese(text):
            return text, codec
        break
    raise DocumentError(UNKNOWN_ENCODING)


def is_plausible_chinese(text: str) -> bool:
    """Return whether GB-decoded text reads as Chinese: no control characters, mostly common (GB2312) characters."""
    if any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in text):
        return False
    wide = [char for char in text if ord(char) > 0x7F]
    if not wide:
        return True
    common = sum(1 for char in wide if is_gb2312(char))
    return common >= 0.8 * len(wide)


def is_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def text_blocks(text: str) -> list[Block]:
    """Split text into paragraphs, one per non-blank line, and tables, runs of rows with the same cell count."""
    blocks: list[Block] = []
    run: list[tuple[str, str, list[str]]] = []  # (line, kind, cells) of the table rows being collected

    def close_run() -> None:
        if len(run) >= 2:
            blocks.append(make_table([cells for _, _, cells in run]))
        else:
            blocks.extend(Paragraph(clean_text(line)) for line, _, _ in run)
        run.clear()

    for line in normalize_newlines(text).split("\n"):
        if run and run[0][1] == "pipe" and is_separator_row(line):
            continue
        kind, cells = table_cells(line, expected=len(run[0][2]) if run else None)
        if run and (kind != run[0][1] or len(cells) != len(run[0][2])):
            close_run()
            kind, cells = table_cells(line, expected=None)
        if kind:
            run.append((line, kind, cells))
            continue
        close_run()
        if paragraph := clean_text(line):
            blocks.append(Paragraph(paragraph))
    close_run()
    return blocks


def table_cells(line: str, *, expected: int | None) -> tuple[str, list[str]]:
    """Split a line into table cells: ("tab" | "pipe", cells), or ("", []) when it is not a table row.

    The first row of a table needs two non-empty cells (so an indented paragraph is not a row); a later row only
    needs the same number of cells as the first, since pasted rows may be empty under a merged cell.
    """
    stripped = line.strip(" \u3000\r\f\v\ufeff")
    for kind, cells in (("tab", stripped.split("\t")), ("pipe", pipe_cells(stripped))):
        cells = [clean_text(cell) for cell in cells]
        filled = sum(1 for cell in cells if cell)
        if len(cells) >= 2 and (filled >= 2 or (expected == len(cells) and filled >= 1)):
            return kind, cells
    return "", []


def pipe_cells(line: str) -> list[str]:
    """Split a `|a|b|` line into cells; return [] when the line has no pipe."""
    if "|" not in line:
        return []
    line = line.removeprefix("|").removesuffix("|")
    return line.split("|")


def is_separator_row(line: str) -> bool:
    """Return whether the line is a markdown table separator like `|---|:---:|`."""
    cells = [cell.strip() for cell in pipe_cells(line.strip())]
    return bool(cells) and all(MARKDOWN_SEPARATOR.match(cell) for cell in cells)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u2028", "\n")


def clean_text(text: str) -> str:
    """Strip surrounding whitespace, including the ideographic space U+3000 and zero-width marks."""
    return text.strip(STRIP_CHARS)


def make_table(
    rows: Sequence[Sequence[str]], continued: Sequence[Sequence[bool]] | None = None, name: str = ""
) -> Table:
    """Build a Table with every row padded to the same width."""
    width = max((len(row) for row in rows), default=0)
    padded = [list(row) + [""] * (width - len(row)) for row in rows]
    flags = [list(row) + [False] * (width - len(row)) for row in continued] if continued else []
    if not flags:
        flags = [[False] * width for _ in padded]
    return Table(rows=padded, continued=flags, name=name)


def read_csv_file(data: bytes) -> SourceDocument:
    """Read a .csv file as one table."""
    text, encoding = decode_text(data)
    rows = [[clean_text(cell) for cell in row] for row in csv.reader(io.StringIO(normalize_newlines(text)))]
    padded = make_table(rows)
    table = trimmed_table(padded.rows, padded.continued, "") if padded.rows else None
    return SourceDocument(blocks=[table] if table else [], format="text", encoding=encoding)


# ---------------------------------------------------------------------------------------------- html


def read_html_file(data: bytes) -> SourceDocument:
    """Read a saved web page: decode by its declared charset, then keep only the document's content."""
    from .readers_html import declared_charset, html_blocks

    text, encoding = decode_html(data, declared_charset(data))
    return SourceDocument(blocks=html_blocks(text), format="html", encoding=encoding)


def decode_html(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode a page by its byte-order mark, else its declared charset, else UTF-8, else GB18030."""
    if declared and not data.startswith(tuple(bom for bom, _, _ in TEXT_BOMS)):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return decode_text(data)
    except DocumentError:
        codec = declared or "utf-8"
        return data.decode(codec, errors="replace"), codec


# ---------------------------------------------------------------------------------------------- xlsx


def read_xlsx(data: bytes) -> SourceDocument:
    """Read every non-empty, visible sheet of a workbook as a Table named after the sheet."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a broken file
        raise DocumentError(CORRUPT_XLSX) from error
    tables, warnings = [], []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            warnings.append(f"已跳过隐藏的工作表“{sheet.title}”。")
            continue
        if table := sheet_table(sheet):
            tables.append(table)
    return SourceDocument(blocks=list(tables), format="xlsx", warnings=warnings)


def sheet_table(sheet: Any) -> Table | None:
    """Turn a worksheet into a Table: merged ranges expanded, empty rows and columns dropped."""
    cells = {key: cell for key, cell in sheet._cells.items() if cell.value is not None}  # only cells with data
    if not cells:
        return None
    height = max(row for row, _ in cells)
    width = max(column for _, column in cells)
    for merged in sheet.merged_cells.ranges:
        height, width = max(height, merged.max_row), max(width, merged.max_col)
    rows = [[""] * width for _ in range(height)]
    continued = [[False] * width for _ in range(height)]
    for (row, column), cell in cells.items():
        rows[row - 1][column - 1] = cell_text(cell.value, cell.number_format)
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                rows[row - 1][column - 1] = value
                continued[row - 1][column - 1] = row > merged.min_row
    return trimmed_table(rows, continued, sheet.title)


def trimmed_table(rows: list[list[str]], continued: list[list[bool]], name: str) -> Table | None:
    """Drop the rows and columns that have no text; return None when nothing is left."""
    keep_rows = [index for index, row in enumerate(rows) if any(row)]
    keep_columns = [index for index in range(len(rows[0])) if any(row[index] for row in rows)]
    if not keep_rows or not keep_columns:
        return None
    return make_table(
        [[rows[r][c] for c in keep_columns] for r in keep_rows],
        [[continued[r][c] for c in keep_columns] for r in keep_rows],
        name,
    )


def cell_text(value: object, number_format: str = "General") -> str:
    """Render a cell value as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        return number_text(value, number_format)
    return clean_text(normalize_newlines(str(value)))


def number_text(value: float, number_format: str) -> str:
    if "%" in number_format:
        return f"{value * 100:.10g}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else str(value)


# ---------------------------------------------------------------------------------------------- other formats


def read_docx_file(data: bytes) -> SourceDocument:
    from .readers_docx import read_docx

    return read_docx(data)


def read_pdf_file(data: bytes) -> SourceDocument:
    from .readers_pdf import read_pdf

    return read_pdf(data)


READERS = {
    "text": read_text_file,
    "csv": read_csv_file,
    "html": read_html_file,
    "docx": read_docx_file,
    "xlsx": read_xlsx,
    "pdf": read_pdf_file,
}
