"""Readers: every document is built here, in the style of the seed plans; no binary fixtures."""

from __future__ import annotations

import datetime
import io
import random
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml.parser import parse_xml
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as PdfTable

from plans.importers.document import DocumentError, Paragraph, Table
from plans.importers.readers import read_document, read_text
from plans.importers.readers_docx import format_number

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PLAN_LINES = [
    "厦门市湖里区教育局2024年工作要点",
    "\u3000\u3000一、全面加强党的建设",
    "（一）加强理论武装。持续深化习近平新时代中国特色社会主义思想学习教育。（责任科室：组干科、机关党委）",
    "1.全力推进补短扩容项目建设。2024年6月底前完成新建校舍主体工程。",
]


def texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def raises(message: str, filename: str, data: bytes, **options) -> None:
    with pytest.raises(DocumentError, match=message):
        read_document(filename, data, **options)


# ---------------------------------------------------------------------------------------------- .docx


def numbering_level(ilvl: int, number_format: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def install_numbering(document, abstracts: dict[int, list[str]], nums: dict[int, str]) -> None:
    """Replace the document's numbering.xml with these w:abstractNum levels and w:num elements."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for abstract_id, levels in abstracts.items():
        numbering.append(
            parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">{"".join(levels)}</w:abstractNum>')
        )
    for num_id, inner in nums.items():
        numbering.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}">{inner}</w:num>'))


def number(paragraph, num_id: int, ilvl: int | None = None) -> None:
    """Give a python-docx paragraph a w:numPr."""
    ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}>{ilvl_xml}<w:numId w:val="{num_id}"/></w:numPr>'))


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def numbered_docx() -> bytes:
    document = docx.Document()
    install_numbering(
        document,
        {
            10: [
                numbering_level(0, "chineseCounting", "%1、"),
                numbering_level(1, "decimal", "%2."),
                numbering_level(2, "decimal", "（%3）"),
            ],
            20: [numbering_level(0, "chineseCounting", "（%1）")],
        },
        {
            1: '<w:abstractNumId w:val="10"/>',
            2: '<w:abstractNumId w:val="10"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="11"/></w:lvlOverride>',
            3: '<w:abstractNumId w:val="20"/>',
        },
    )
    item_style = document.styles.add_style("计划条目", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    item_style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>')
    )
    document.sections[0].header.paragraphs[0].text = "湖里区教育局（页眉）"
    document.add_paragraph("湖里区教育局2024年工作要点", style="Title")
    for text, num_id, ilvl in [
        ("全面加强党的建设", 1, 0),
        ("加强理论武装。", 1, 1),
        ("深化作风建设。", 1, 1),
        ("促进教育优质均衡", 1, 0),
        ("全力推进补短扩容项目建设。", 1, 1),
        ("新建校舍。", 1, 2),
        ("改扩建校舍。", 1, 2),
    ]:
        number(document.add_paragraph(text), num_id, ilvl)
    document.add_paragraph("推进集团化办学。", style="计划条目")
    number(document.add_paragraph("不编号的说明。", style="计划条目"), 0)
    number(document.add_paragraph("第十一部分", style="Heading 1"), 2, 0)
    number(document.add_paragraph("第十二部分"), 2, 0)
    for text in ("一般部分", "重点部分"):
        number(document.add_paragraph(text), 3, 0)
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:sdt {W_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>内容控件中的文字</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    return saved(document)


def test_docx_automatic_numbering_becomes_labels(numbered_docx):
    document = read_document("工作要点.docx", numbered_docx)

    assert document.format == "docx"
    labelled = [(paragraph.label, paragraph.text) for paragraph in document.paragraphs]
    assert labelled == [
        ("", "湖里区教育局2024年工作要点"),
        ("一、", "全面加强党的建设"),
        ("1.", "加强理论武装。"),
        ("2.", "深化作风建设。"),
        ("二、", "促进教育优质均衡"),
        ("1.", "全力推进补短扩容项目建设。"),
        ("（1）", "新建校舍。"),
        ("（2）", "改扩建校舍。"),
        ("2.", "推进集团化办学。"),
        ("", "不编号的说明。"),
        ("十一、", "第十一部分"),
        ("十二、", "第十二部分"),
        ("（一）", "一般部分"),
        ("（二）", "重点部分"),
        ("", "内容控件中的文字"),
    ]
    assert "湖里区教育局（页眉）" not in texts(document)


def test_docx_styles_and_heading_levels(numbered_docx):
    paragraphs = {paragraph.text: paragraph for paragraph in read_document("a.docx", numbered_docx).paragraphs}

    assert paragraphs["第十一部分"].style == "Heading 1"
    assert paragraphs["第十一部分"].heading_level == 1
    assert paragraphs["推进集团化办学。"].style == "计划条目"
    assert paragraphs["加强理论武装。"].heading_level is None


def test_docx_outline_level_gives_heading_level():
    document = docx.Document()
    paragraph = document.add_paragraph("一、全面加强党的建设")
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {W_NS} w:val="0"/>'))
    document.add_paragraph("（一）加强理论武装", style="Heading 2")

    paragraphs = read_document("a.docx", saved(document)).paragraphs

    assert [paragraph.heading_level for paragraph in paragraphs] == [1, 2]


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (21, "chineseCounting", "二十一"),
        (99, "chineseCounting", "九十九"),
        (105, "chineseCounting", "一百〇五"),
        (10, "chineseCountingThousand", "十"),
        (21, "japaneseCounting", "二十一"),
        (3, "ideographTraditional", "丙"),
        (3, "decimalEnclosedCircle", "③"),
        (21, "decimalEnclosedCircle", "㉑"),
        (3, "decimalFullWidth", "３"),
        (3, "decimalZero", "03"),
        (28, "lowerLetter", "bb"),
        (2, "upperLetter", "B"),
        (14, "lowerRoman", "xiv"),
        (4, "upperRoman", "IV"),
        (12, "chineseLegalSimplified", "壹拾贰"),
        (5, "unknownFormat", "5"),
    ],
)
def test_word_number_formats(value, number_format, expected):
    assert format_number(value, number_format) == expected


def test_docx_table_merged_cells_are_expanded():
    document = docx.Document()
    install_numbering(
        document, {30: [numbering_level(0, "decimalEnclosedCircle", "%1")]}, {5: '<w:abstractNumId w:val="30"/>'}
    )
    document.add_paragraph("附件：2024年重点工作任务分解表")
    table = document.add_table(rows=4, cols=4)
    for column, header in enumerate(["类别", "重点任务", "牵头单位", "完成时限"]):
        table.cell(0, column).text = header
    group = table.cell(1, 0).merge(table.cell(2, 0))
    group.text = "教育质量"
    table.cell(1, 1).text = "提升中考成绩"
    milestones = table.cell(1, 3)
    milestones.text = "3月底前，完成方案制定"
    number(milestones.paragraphs[0], 5, 0)
    number(milestones.add_paragraph("6月底前，完成中考"), 5, 0)
    table.cell(1, 2).text = "教育科"
    table.cell(2, 1).text = "推进集团化办学"
    table.cell(2, 2).text = "人事科"
    table.cell(2, 3).text = "年内"
    note = table.cell(3, 0).merge(table.cell(3, 3))
    note.text = "各单位每月25日前报送进展"
    document.add_paragraph("以上任务按月调度。")

    blocks = read_document("任务分解表.docx", saved(document)).blocks

    assert [type(block) for block in blocks] == [Paragraph, Table, Paragraph]
    table_block = blocks[1]
    assert table_block.rows == [
        ["类别", "重点任务", "牵头单位", "完成时限"],
        ["教育质量", "提升中考成绩", "教育科", "①3月底前，完成方案制定\n②6月底前，完成中考"],
        ["教育质量", "推进集团化办学", "人事科", "年内"],
        ["各单位每月25日前报送进展"] * 4,
    ]
    assert table_block.is_continued(2, 0)
    assert not table_block.is_continued(1, 0)
    assert not any(table_block.is_continued(3, column) for column in range(4))


def test_file_named_doc_that_is_really_docx_is_read():
    document = docx.Document()
    document.add_paragraph("一、全面加强党的建设")

    assert texts(read_document("工作要点.doc", saved(document))) == ["一、全面加强党的建设"]


# ---------------------------------------------------------------------------------------------- .xlsx


def test_xlsx_sheet_becomes_table_with_merged_group_cell():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务分解表"
    sheet.append([])
    sheet.append(["序号", "类别", None, "重点任务", "牵头单位", "完成时限"])
    sheet.append([1, "教育质量", None, "提升中考成绩", "教育科", datetime.date(2024, 6, 30)])
    sheet.append([2.0, None, None, "推进集团化办学", "人事科", "年内"])
    sheet.merge_cells("B3:B4")
    workbook.create_sheet("空表")
    hidden = workbook.create_sheet("字典")
    hidden.append(["教育科"])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)

    document = read_document("任务分解表.xlsx", buffer.getvalue())

    assert document.format == "xlsx"
    [table] = document.tables
    assert table.name == "任务分解表"
    assert table.rows == [
        ["序号", "类别", "重点任务", "牵头单位", "完成时限"],
        ["1", "教育质量", "提升中考成绩", "教育科", "2024-06-30"],
        ["2", "教育质量", "推进集团化办学", "人事科", "年内"],
    ]
    assert table.is_continued(2, 1)
    assert not table.is_continued(1, 1)
    assert document.warnings == ["已跳过隐藏的工作表“字典”。"]


# ---------------------------------------------------------------------------------------------- .txt and pasted text


def test_gbk_and_utf8_bom_text_read_the_same():
    content = "\r\n".join([*PLAN_LINES, "", "   "])

    gbk = read_document("要点.txt", content.encode("gbk"))
    bom = read_document("要点.txt", b"\xef\xbb\xbf" + content.encode("utf-8"))

    assert gbk.encoding == "gbk"
    assert bom.encoding == "utf-8-sig"
    assert texts(gbk) == texts(bom) == [line.strip("\u3000") for line in PLAN_LINES]


def test_utf16_text_with_bom():
    document = read_document("要点.txt", "\n".join(PLAN_LINES).encode("utf-16"))

    assert document.encoding == "utf-16"
    assert texts(document)[1] == "一、全面加强党的建设"


def test_text_in_an_unknown_encoding_is_refused():
    big5 = "\n".join(PLAN_LINES).encode("big5", errors="ignore")

    raises("无法识别文本文件的编码", "要点.txt", big5)
    raises("编码", "要点.txt", "Café résumé naïve".encode("latin-1"))


def test_csv_becomes_a_table():
    data = '序号,重点任务,牵头单位\r\n1,"建设新校，年内完工",基建科\r\n,,\r\n'.encode("gbk")

    document = read_document("清单.csv", data)

    assert document.tables[0].rows == [["序号", "重点任务", "牵头单位"], ["1", "建设新校，年内完工", "基建科"]]


def test_pasted_text_with_tab_and_pipe_tables():
    pasted = "\n".join(
        [
            "附件：重点工作清单",
            "序号\t重点任务\t牵头单位",
            "1\t建设新校\t基建科",
            "2\t推进集团化办学\t人事科",
            "",
            "| 序号 | 工作内容 | 完成时限 |",
            "|---|:---:|---|",
            "| 1 | 完成中考 | 6月底前 |",
            "| 2 | 秋季开学 | 9月 |",
            "\t二、其他工作",
            "牵头单位\t基建科",
        ]
    )

    document = read_text(pasted)

    assert document.format == "text"
    assert [type(block) for block in document.blocks] == [Paragraph, Table, Table, Paragraph, Paragraph]
    tab_table, pipe_table = document.tables
    assert tab_table.rows == [
        ["序号", "重点任务", "牵头单位"],
        ["1", "建设新校", "基建科"],
        ["2", "推进集团化办学", "人事科"],
    ]
    assert pipe_table.rows == [["序号", "工作内容", "完成时限"], ["1", "完成中考", "6月底前"], ["2", "秋季开学", "9月"]]
    assert texts(document) == ["附件：重点工作清单", "二、其他工作", "牵头单位\t基建科"]


def test_pasted_text_tab_rows_may_be_empty_under_a_merged_cell():
    document = read_text("类别\t任务\t单位\n教育质量\t提升中考成绩\t教育科\n\t推进集团化办学\t人事科\n")

    assert document.tables[0].rows[2] == ["", "推进集团化办学", "人事科"]


def test_pasted_text_keeps_inner_text_and_drops_blank_lines():
    document = read_text("\r\n\u3000\u3000一、全面加强党的建设  \r\n\r\n（一）加强理论武装　持续深化\r")

    assert texts(document) == ["一、全面加强党的建设", "（一）加强理论武装　持续深化"]


def test_empty_paste_is_refused():
    with pytest.raises(DocumentError, match="粘贴的内容为空"):
        read_text(" \n\u3000\n")


# ---------------------------------------------------------------------------------------------- .pdf


CHARS_PER_LINE = 30
FONT_SIZE = 12
LEFT = 72


@pytest.fixture(scope="module")
def cjk_font() -> str:
    # reportlab cannot embed Noto CJK (its outlines are CFF), so use the standard Adobe CID font STSong-Light;
    # pdfplumber reads its text through the same Unicode CMap either way.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def draw_paragraph(pdf, font: str, text: str, y: float, *, indent: int = 2) -> float:
    """Draw text wrapped at CHARS_PER_LINE characters, first line indented; return the next baseline."""
    first = CHARS_PER_LINE - indent
    lines = [text[:first]] + [text[i : i + CHARS_PER_LINE] for i in range(first, len(text), CHARS_PER_LINE)]
    for index, line in enumerate(lines):
        pdf.setFont(font, FONT_SIZE)
        pdf.drawString(LEFT + (indent * FONT_SIZE if index == 0 else 0), y, line)
        y -= FONT_SIZE * 1.8
    return y


def start_page(pdf, font: str, page_number: int) -> float:
    width, height = A4
    pdf.setFont(font, 9)
    pdf.drawCentredString(width / 2, height - 40, "湖里区教育局2024年工作要点")
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, 40, f"- {page_number} -")
    return height - 90


WRAPPED = (
    "以创建全国义务教育优质均衡发展区为主线，围绕重点工作，紧盯目标任务，立足时代方位，坚持问题导向，"
    "把人民群众关心关注的痛点堵点作为教育行政管理的靶点，推动区域教育优质均衡发展。"
)
ACROSS_PAGES = (
    "实施学前教育普及普惠工程，新增公办幼儿园学位一千二百个，持续扩大普惠性资源供给，"
    "落实幼儿园保教质量评估指南，推进幼小科学衔接，全面提升保教质量水平。"
)


@pytest.fixture
def plan_pdf(cjk_font) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = start_page(pdf, cjk_font, 1)
    pdf.setFont(cjk_font, 16)
    pdf.drawCentredString(A4[0] / 2, y, "厦门市湖里区教育局2024年工作要点")
    y = draw_paragraph(pdf, cjk_font, "一、全面加强党的建设", y - 40)
    y = draw_paragraph(pdf, cjk_font, WRAPPED, y)
    y = draw_paragraph(pdf, cjk_font, "（一）创建全 国文明校园，用 Office 365。", y)
    for _ in range(14):
        y = draw_paragraph(pdf, cjk_font, "加强师德师风建设。", y)
    first_part = ACROSS_PAGES[: 28 + CHARS_PER_LINE]
    draw_paragraph(pdf, cjk_font, first_part, y)
    pdf.showPage()
    y = start_page(pdf, cjk_font, 2)
    y = draw_paragraph(pdf, cjk_font, ACROSS_PAGES[len(first_part) :], y, indent=0)
    draw_paragraph(pdf, cjk_font, "二、促进教育优质均衡", y)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_drops_running_header_and_page_numbers_and_rejoins_lines(plan_pdf):
    document = read_document("工作要点.pdf", plan_pdf)

    paragraphs = texts(document)
    assert document.format == "pdf"
    assert paragraphs[:4] == [
        "厦门市湖里区教育局2024年工作要点",
        "一、全面加强党的建设",
        WRAPPED,
        "（一）创建全国文明校园，用Office 365。",
    ]
    assert paragraphs[-2:] == [ACROSS_PAGES, "二、促进教育优质均衡"]
    assert "湖里区教育局2024年工作要点" not in paragraphs
    assert not [text for text in paragraphs if "- 1 -" in text or "- 2 -" in text]
    assert paragraphs.count("加强师德师风建设。") == 14


def test_pdf_ruled_table_becomes_table_with_merged_cells(cjk_font):
    style = ParagraphStyle("body", fontName=cjk_font, fontSize=10.5, leading=16, wordWrap="CJK")
    cells = [
        ["类别", "重点任务", "牵头单位", "完成时限"],
        ["教育质量", "①3月底前完成方案<br/>②6月底前完成中考", "教育科", "6月底前"],
        ["", "推进集团化办学", "人事科", "年内"],
        ["各单位每月25日前报送进展", "", "", ""],
    ]
    table = PdfTable([[PdfParagraph(text, style) for text in row] for row in cells], colWidths=[80, 200, 80, 80])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("SPAN", (0, 1), (0, 2)), ("SPAN", (0, 3), (3, 3))])
    )
    buffer = io.BytesIO()
    story = [PdfParagraph("附件：重点工作任务分解表", style), table, PdfParagraph("以上任务按月调度。", style)]
    SimpleDocTemplate(buffer, pagesize=A4).build(story)

    blocks = read_document("分解表.pdf", buffer.getvalue()).blocks

    assert [type(block) for block in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[1].rows == [
        ["类别", "重点任务", "牵头单位", "完成时限"],
        ["教育质量", "①3月底前完成方案\n②6月底前完成中考", "教育科", "6月底前"],
        ["教育质量", "推进集团化办学", "人事科", "年内"],
        ["各单位每月25日前报送进展"] * 4,
    ]
    assert blocks[1].is_continued(2, 0)
    assert not any(blocks[1].is_continued(3, column) for column in range(4))


def test_pdf_without_text_layer_is_refused(cjk_font):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(72, 400, 300, 200, fill=1)
    pdf.showPage()
    pdf.save()

    raises("文字层", "扫描件.pdf", buffer.getvalue())


def test_encrypted_pdf_is_refused(cjk_font):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt="secret")
    pdf.setFont(cjk_font, 12)
    pdf.drawString(72, 700, "一、全面加强党的建设")
    pdf.showPage()
    pdf.save()

    raises("加密", "加密.pdf", buffer.getvalue())


def test_corrupt_pdf_is_refused():
    raises("PDF 文件已损坏", "损坏.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")


# ---------------------------------------------------------------------------------------------- .html


WEB_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>湖里区教育局</title><style>p {{ color: red }}</style></head>
<body>
<div class="header"><div class="logo">湖里区教育局门户网站</div>
  <ul class="nav-menu"><li><a href="/">首页</a></li><li><a href="/gk">政务公开</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 通知公告</div>
<div class="wrap">
  <div class="sidebar"><h3>热点新闻</h3><ul><li>某某学校举办春季运动会</li><li>全区教师培训开班</li></ul></div>
  <div class="main">
    <h1 class="article-title">湖里区教育局2024年工作要点</h1>
    <div class="info">发布时间：2024-02-20 来源：办公室</div>
    <div class="content">
      <p>&nbsp;&nbsp;2024年是实现“十四五”规划目标任务的关键一年，全区教育工作的总体要求是：坚持立德树人，
      推动教育高质量发展。</p>
      <p>一、全面加强党的建设</p>
      <p>（一）加强理论武装。持续深化理论学习。（责任科室：组干科、机关党委）</p>
      <div>1.全力推进补短扩容项目建设。<br>2.扎实开展集团化办学。</div>
    </div>
    <div class="share">分享到：微信 微博</div>
    <div class="related"><h4>相关文章</h4><ul><li>2023年工作总结</li></ul></div>
  </div>
</div>
<div class="footer">版权所有：湖里区教育局 闽ICP备12345号</div>
<script>var notice = "脚本里的文字";</script>
</body></html>
"""
WEB_PARAGRAPHS = [
    "湖里区教育局2024年工作要点",
    "2024年是实现“十四五”规划目标任务的关键一年，全区教育工作的总体要求是：坚持立德树人，推动教育高质量发展。",
    "一、全面加强党的建设",
    "（一）加强理论武装。持续深化理论学习。（责任科室：组干科、机关党委）",
    "1.全力推进补短扩容项目建设。",
    "2.扎实开展集团化办学。",
]


def test_html_keeps_only_the_document():
    document = read_document("要点.html", WEB_PAGE.format(charset="utf-8").encode("utf-8"))

    assert document.format == "html"
    assert texts(document) == WEB_PARAGRAPHS
    assert document.paragraphs[0].heading_level == 1


def test_html_declared_gbk_charset():
    document = read_document("要点.htm", WEB_PAGE.format(charset="gb2312").encode("gbk"))

    assert texts(document) == WEB_PARAGRAPHS


def test_html_table_rowspan_and_colspan_are_expanded():
    page = """<html><body><div id="zoom"><p>附件：重点工作任务分解表</p>
    <table border="1">
      <tr><th>序号</th><th>重点任务</th><th>牵头单位</th></tr>
      <tr><td rowspan="2">一</td><td>提升中考成绩</td><td>教育科</td></tr>
      <tr><td>推进集团化办学</td><td>人事科<br>教研室</td></tr>
      <tr><td colspan="3">各单位每月25日前报送进展</td></tr>
    </table></div></body></html>"""

    document = read_document("分解表.html", page.encode("utf-8"))

    [table] = document.tables
    assert table.rows == [
        ["序号", "重点任务", "牵头单位"],
        ["一", "提升中考成绩", "教育科"],
        ["一", "推进集团化办学", "人事科\n教研室"],
        ["各单位每月25日前报送进展"] * 3,
    ]
    assert table.is_continued(2, 0)
    assert not table.is_continued(3, 1)


def test_html_article_is_the_content_and_its_title_is_kept():
    page = """<html><body><header><h1>湖里区教育局门户网站</h1></header>
    <div class="detail"><h2>2024年工作要点</h2>
    <article><p>一、全面加强党的建设</p><p>（一）加强理论武装。持续深化理论学习，推动入脑入心。</p>
    <div class="share-bar">分享</div></article>
    <aside><p>热点新闻：全区教师培训开班</p></aside></div>
    <footer>版权所有：湖里区教育局</footer></body></html>"""

    document = read_document("detail.html", page.encode("utf-8"))

    assert texts(document) == [
        "2024年工作要点",
        "一、全面加强党的建设",
        "（一）加强理论武装。持续深化理论学习，推动入脑入心。",
    ]
    assert document.paragraphs[0].heading_level == 2


def test_html_is_recognised_without_an_html_extension():
    page = "<html><body><p>一、全面加强党的建设</p><ol><li>加强理论武装</li><li>深化作风建设</li></ol></body></html>"

    document = read_document("下载文件", page.encode("utf-8"))

    assert [(paragraph.label, paragraph.text) for paragraph in document.paragraphs] == [
        ("", "一、全面加强党的建设"),
        ("1.", "加强理论武装"),
        ("2.", "深化作风建设"),
    ]


# ---------------------------------------------------------------------------------------------- refusals


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("空文件.docx", b"", "文件是空的"),
        ("要点.doc", OLE_HEADER + "WordDocument".encode("utf-16-le"), "另存为”.docx"),
        ("清单.xls", OLE_HEADER + "Workbook".encode("utf-16-le"), "另存为”.xlsx"),
        ("加密.docx", OLE_HEADER + "EncryptionInfo".encode("utf-16-le"), "密码"),
        ("截图.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "图片"),
        ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64), "图片"),
        ("setup.exe", b"MZ\x90\x00\x03" + bytes(64), "不支持的文件类型"),
        ("随机.bin", random.Random(7).randbytes(4096), "无法识别的文件类型"),
        ("附件.zip", zip_with("a.txt", b"hello"), "压缩包"),
        ("要点.docx", zip_with("word/document.xml", b"<not-xml"), "Word 文档已损坏"),
        ("要点.docx", "一、全面加强党的建设".encode(), "Word 文档已损坏"),
        ("清单.xlsx", zip_with("xl/workbook.xml", b"<not-xml"), "Excel 表格已损坏"),
    ],
)
def test_unreadable_files_are_refused(filename, data, message):
    raises(message, filename, data)


def test_file_over_the_size_limit_is_refused():
    raises("超过了", "要点.txt", "一、全面加强党的建设".encode() * 100, max_bytes=1024)
