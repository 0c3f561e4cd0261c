"""Build the downloadable .xlsx template for the units/people import."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.importers.directory import PEOPLE_SHEET, UNITS_SHEET

UNIT_HEADERS = ["单位名称*", "简称", "单位类型*", "学段", "办学性质", "上级单位", "别名", "单位编码", "排序"]
PERSON_HEADERS = ["用户名*", "姓名*", "所属单位", "角色*", "手机号码", "电子邮箱", "职务", "初始密码"]
KIND_CHOICES = "局机关,局领导,机关科室,直属单位,学校,幼儿园,其他"
STAGE_CHOICES = "高中,中学,小学,九年一贯制,十二年一贯制,特殊教育,职业学校"
ROLE_CHOICES = "系统管理员,督查人员,局领导,单位负责人,单位经办人"

INSTRUCTIONS = [
    ("填写说明", ""),
    ("“单位”表", "每行一个单位。按单位名称匹配：已有的单位会被更新，没有的会新建。"),
    ("单位类型", KIND_CHOICES.replace(",", "、")),
    ("学段", "仅学校填写：" + STAGE_CHOICES.replace(",", "、")),
    ("办学性质", "仅学校、幼儿园填写：公办 或 民办"),
    ("上级单位", "填写已有单位或本表中单位的名称，如 湖里区教育局"),
    ("别名", "文件中对本单位的其他叫法，多个用顿号分隔，如 组干科、组织科"),
    ("“人员”表", "每行一个人。按用户名匹配：已有的人员会被更新，没有的会新建。"),
    ("角色", ROLE_CHOICES.replace(",", "、")),
    ("所属单位", "单位负责人、单位经办人必填；可填本文件“单位”表中的单位"),
    ("初始密码", "仅对新建人员有效；留空则由系统生成，导入完成后显示一次"),
    ("示例（单位）", "湖里区第一实验小学 | 一实小 | 学校 | 小学 | 公办 | 湖里区教育局"),
    ("示例（人员）", "hl_yxx_zhang | 张老师 | 湖里区第一实验小学 | 单位经办人 | 13800000000"),
    ("注意", "任何一行有错误时不会导入任何数据；请按提示改正后重新上传。"),
]


def _header_row(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5FAD")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(header) * 3 + 4)


def _choice(sheet, column: str, choices: str) -> None:
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.error = "请从下拉列表中选择"
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}2000")


def directory_template_xlsx() -> bytes:
    """Return the template workbook: sheets 单位, 人员 and 填写说明."""
    workbook = Workbook()
    units = workbook.active
    units.title = UNITS_SHEET
    _header_row(units, UNIT_HEADERS)
    _choice(units, "C", KIND_CHOICES)
    _choice(units, "D", STAGE_CHOICES)
    _choice(units, "E", "公办,民办")
    units.column_dimensions["A"].width = 32
    units.column_dimensions["F"].width = 24

    people = workbook.create_sheet(PEOPLE_SHEET)
    _header_row(people, PERSON_HEADERS)
    _choice(people, "D", ROLE_CHOICES)
    people.column_dimensions["C"].width = 32

    notes = workbook.create_sheet("填写说明")
    for key, value in INSTRUCTIONS:
        notes.append([key, value])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
