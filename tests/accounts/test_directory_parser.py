"""The units/people file parser: pure, no database."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from accounts.importers.directory import DirectoryFileError, parse_directory_file
from tests.accounts.directory_files import (
    GOOD_PEOPLE,
    GOOD_UNITS,
    PERSON_HEADER,
    UNIT_HEADER,
    csv_bytes,
    xlsx_bytes,
)

LIMIT = 5 * 1024 * 1024


def test_good_workbook_gives_typed_rows_with_codes_for_chinese_labels():
    parsed = parse_directory_file("名单.xlsx", xlsx_bytes(GOOD_UNITS, GOOD_PEOPLE), max_bytes=LIMIT)

    assert parsed.errors == []
    assert [unit.name for unit in parsed.units] == [row[0] for row in GOOD_UNITS]
    school = parsed.units[2]
    assert (school.kind, school.stage, school.ownership, school.code, school.sort_order) == (
        "school",
        "primary",
        "public",
        "XM-001",
        100,
    )
    assert parsed.units[1].aliases == ["组织科", "干部科"]
    assert [(p.username, p.role) for p in parsed.people] == [
        ("zgk_chen", "unit_manager"),
        ("syxx_li", "unit_staff"),
        ("duban_wang", "supervisor"),
    ]
    assert parsed.people[0].phone == "13800000001"


def test_numeric_cells_from_excel_are_read_as_plain_text():
    people = [[13900001111, "张三", "组干科", "单位经办人", 13900001111.0, "", "", ""]]
    parsed = parse_directory_file("p.xlsx", xlsx_bytes([], people), max_bytes=LIMIT)

    assert parsed.people[0].username == "13900001111"
    assert parsed.people[0].phone == "13900001111"


def test_every_bad_row_is_reported_with_row_column_and_reason():
    units = [
        ["", "", "学校", "", "", "", "", "", ""],  # row 2: no name
        ["某中学", "", "大学", "", "", "", "", "", ""],  # row 3: unknown kind
        ["某科室", "", "机关科室", "小学", "公办", "", "", "", ""],  # row 4: stage and ownership on a department
        ["某小学", "", "学校", "小学", "半公办", "", "", "", "十"],  # row 5: bad ownership and sort order
        ["某小学", "", "学校", "小学", "", "", "", "", ""],  # row 6: duplicate of row 5
    ]
    people = [["bad name!", "", "", "校长", "abc", "not-an-email", "", ""]]  # row 2 of 人员
    parsed = parse_directory_file("bad.xlsx", xlsx_bytes(units, people), max_bytes=LIMIT)

    located = {(error.sheet, error.row, error.column) for error in parsed.errors}
    assert located == {
        ("单位", 2, "单位名称"),
        ("单位", 3, "单位类型"),
        ("单位", 4, "学段"),
        ("单位", 4, "办学性质"),
        ("单位", 5, "办学性质"),
        ("单位", 5, "排序"),
        ("单位", 6, "单位名称"),
        ("人员", 2, "用户名"),
        ("人员", 2, "姓名"),
        ("人员", 2, "角色"),
        ("人员", 2, "电子邮箱"),
        ("人员", 2, "手机号码"),
    }
    duplicate = next(e for e in parsed.errors if e.row == 6)
    assert str(duplicate) == "单位 第6行 “单位名称”列：与第5行重复。"
    assert parsed.units == [] and parsed.people == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_and_gbk(encoding):
    rows = [[str(cell) for cell in row] for row in GOOD_UNITS]
    parsed = parse_directory_file("单位.csv", csv_bytes(UNIT_HEADER, rows, encoding), max_bytes=LIMIT)

    assert parsed.errors == []
    assert [unit.name for unit in parsed.units] == [row[0] for row in GOOD_UNITS]


def test_csv_of_people_is_recognised_by_its_header():
    parsed = parse_directory_file(
        "人员.csv", csv_bytes(PERSON_HEADER, [list(map(str, GOOD_PEOPLE[1]))]), max_bytes=LIMIT
    )

    assert [p.username for p in parsed.people] == ["syxx_li"] and parsed.units == []


def test_missing_required_column_is_reported_on_the_header_row():
    data = csv_bytes(["单位名称", "简称"], [["某小学", "某小"]])
    parsed = parse_directory_file("u.csv", data, max_bytes=LIMIT)
    assert [(e.row, e.message) for e in parsed.errors] == [(1, "缺少必需的列：单位类型。请使用下载的模板。")]

    with pytest.raises(DirectoryFileError, match="无法识别 CSV 的表头"):
        parse_directory_file("u.csv", csv_bytes(["名字", "备注"], [["某小学", "某小"]]), max_bytes=LIMIT)

    workbook = xlsx_bytes([["某小学", "某小", "学校"]])
    # Drop the 单位类型 header from a workbook: the header row names the missing column.
    book = load_workbook(io.BytesIO(workbook))
    book["单位"]["C1"] = "备注"
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_directory_file("u.xlsx", buffer.getvalue(), max_bytes=LIMIT)
    assert [(e.sheet, e.row, e.message) for e in parsed.errors] == [
        ("单位", 1, "缺少必需的列：单位类型。请使用下载的模板。")
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.xlsx", b"", "上传的文件是空的"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg data", "只支持 .xlsx 或 .csv 文件"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "不支持旧版 .xls 格式"),
        ("fake.xlsx", b"this is plain text", "内容不是 Excel 工作簿"),
        ("broken.xlsx", b"PK\x03\x04 truncated zip", "无法读取该 Excel 文件"),
        ("zip.csv", b"PK\x03\x04\x14\x00", "内容不是文本表格"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(DirectoryFileError, match=message):
        parse_directory_file(name, data, max_bytes=LIMIT)


def test_workbook_with_headers_only_is_refused_as_empty():
    with pytest.raises(DirectoryFileError, match="没有可导入的数据"):
        parse_directory_file("t.xlsx", xlsx_bytes([], []), max_bytes=LIMIT)


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(DirectoryFileError, match="文件过大"):
        parse_directory_file("big.csv", b"x" * 2048, max_bytes=1024)
