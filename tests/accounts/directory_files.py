"""Build directory import files in memory for tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

UNIT_HEADER = ["单位名称", "简称", "单位类型", "学段", "办学性质", "上级单位", "别名", "单位编码", "排序"]
PERSON_HEADER = ["用户名", "姓名", "所属单位", "角色", "手机号码", "电子邮箱", "职务", "初始密码"]


def xlsx_bytes(units: list[list] | None = None, people: list[list] | None = None) -> bytes:
    """Return a workbook with 单位 and 人员 sheets holding the given rows under the template headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(UNIT_HEADER)
    for row in units or []:
        sheet.append(row)
    people_sheet = workbook.create_sheet("人员")
    people_sheet.append(PERSON_HEADER)
    for row in people or []:
        people_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    """Return a CSV file in the given encoding."""
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


GOOD_UNITS = [
    ["湖里区教育局", "区教育局", "局机关", "", "", "", "", "", 1],
    ["组织干部科", "组干科", "机关科室", "", "", "湖里区教育局", "组织科、干部科", "", 10],
    ["厦门市湖里区实验小学", "实验小学", "学校", "小学", "公办", "湖里区教育局", "", "XM-001", 100],
    ["厦门市湖里区小天使幼儿园", "", "幼儿园", "", "民办", "湖里区教育局", "", "", 300],
]
GOOD_PEOPLE = [
    ["zgk_chen", "陈科长", "组干科", "单位负责人", "13800000001", "chen@example.com", "科长", "Zugan-2020-pass"],
    ["syxx_li", "李老师", "厦门市湖里区实验小学", "单位经办人", "", "", "", ""],
    ["duban_wang", "王督查", "", "督查人员", "", "", "", "Duban-2020-pass"],
]
