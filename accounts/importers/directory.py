"""Read a units-and-people list from .xlsx or .csv into plain rows. Pure: no database.

The expected layout is the one of the downloadable template: a sheet 单位 and a sheet 人员
(either may be missing), each with a header row. A .csv holds one of the two tables and is
recognised by its header.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

UNITS_SHEET = "单位"
PEOPLE_SHEET = "人员"

UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "名称", "单位全称"),
    "short_name": ("简称", "单位简称"),
    "kind": ("单位类型", "类型"),
    "stage": ("学段",),
    "ownership": ("办学性质", "性质"),
    "parent": ("上级单位",),
    "aliases": ("别名", "其他名称"),
    "code": ("单位编码", "编码"),
    "sort_order": ("排序", "顺序"),
}
UNIT_REQUIRED = ("name", "kind")

PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("用户名", "登录名", "账号"),
    "full_name": ("姓名",),
    "unit": ("所属单位", "单位"),
    "role": ("角色",),
    "phone": ("手机号码", "手机", "电话"),
    "email": ("电子邮箱", "邮箱"),
    "title": ("职务",),
    "password": ("初始密码", "密码"),
}
PERSON_REQUIRED = ("username", "full_name", "role")

KIND_LABELS = {
    "局机关": ("bureau", ""),
    "教育局": ("bureau", ""),
    "局领导": ("leadership", ""),
    "机关科室": ("department", ""),
    "科室": ("department", ""),
    "直属单位": ("affiliated", ""),
    "学校": ("school", ""),
    "高中": ("school", "high"),
    "中学": ("school", "middle"),
    "小学": ("school", "primary"),
    "九年一贯制": ("school", "nine_year"),
    "九年一贯制学校": ("school", "nine_year"),
    "十二年一贯制": ("school", "twelve_year"),
    "特殊教育": ("school", "special"),
    "职业学校": ("school", "vocational"),
    "幼儿园": ("kindergarten", ""),
    "其他": ("other", ""),
    "其他单位": ("other", ""),
}
KIND_CODES = {"bureau", "leadership", "department", "affiliated", "school", "kindergarten", "other"}
STAGE_LABELS = {
    "高中": "high",
    "中学": "middle",
    "初中": "middle",
    "小学": "primary",
    "九年一贯制": "nine_year",
    "十二年一贯制": "twelve_year",
    "特殊教育": "special",
    "职业学校": "vocational",
}
OWNERSHIP_LABELS = {"公办": "public", "民办": "private"}
ROLE_LABELS = {
    "系统管理员": "admin",
    "管理员": "admin",
    "督查人员": "supervisor",
    "督查": "supervisor",
    "局领导": "leader",
    "领导": "leader",
    "单位负责人": "unit_manager",
    "负责人": "unit_manager",
    "单位经办人": "unit_staff",
    "经办人": "unit_staff",
}

ALIAS_SEPARATORS = "、,，;；/ \n"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True)
class RowError:
    """One problem, located as a person would find it in the spreadsheet."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{' '.join(where)}：{self.message}" if where else self.message


@dataclass
class UnitRow:
    row: int
    name: str
    kind: str
    short_name: str = ""
    stage: str = ""
    ownership: str = ""
    parent: str = ""
    aliases: list[str] = field(default_factory=list)
    code: str = ""
    sort_order: int | None = None


@dataclass
class PersonRow:
    row: int
    username: str
    full_name: str
    role: str
    unit: str = ""
    phone: str = ""
    email: str = ""
    title: str = ""
    password: str = ""


@dataclass
class ParsedDirectory:
    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class DirectoryFileError(ValueError):
    """The file as a whole cannot be read; nothing in it was looked at."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _clean_header(value: object) -> str:
    text = _cell_text(value)
    for noise in ("*", "＊", "（必填）", "(必填)", "（选填）", "(选填)"):
        text = text.replace(noise, "")
    return text.strip()


def _read_xlsx(data: bytes) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DirectoryFileError(
            "无法读取该 Excel 文件，文件可能已损坏。请用 Excel 重新保存为 .xlsx 后再上传。"
        ) from exc
    sheets: dict[str, list[list[str]]] = {}
    try:
        for worksheet in workbook.worksheets:
            rows = [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
            sheets[worksheet.title.strip()] = rows
    finally:
        workbook.close()
    return sheets


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DirectoryFileError("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”格式后再上传。")


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[_cell_text(value) for value in row] for row in csv.reader(io.StringIO(text), dialect)]


def _map_header(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        for key, names in columns.items():
            if title in names and key not in positions:
                positions[key] = index
    return positions


def _table_kind(header: list[str]) -> str | None:
    unit_hits = len(_map_header(header, UNIT_COLUMNS))
    person_hits = len(_map_header(header, PERSON_COLUMNS))
    if "用户名" in header or "登录名" in header or "账号" in header:
        return PEOPLE_SHEET
    if unit_hits >= 2 and unit_hits >= person_hits:
        return UNITS_SHEET
    if person_hits >= 2:
        return PEOPLE_SHEET
    return None


def _records(
    rows: list[list[str]],
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    sheet: str,
    errors: list[RowError],
):
    header = [_clean_header(value) for value in rows[0]]
    positions = _map_header(header, columns)
    missing = [columns[key][0] for key in required if key not in positions]
    if missing:
        errors.append(RowError(sheet, 1, None, f"缺少必需的列：{'、'.join(missing)}。请使用下载的模板。"))
        return
    for offset, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        values = {key: (raw[index] if index < len(raw) else "") for key, index in positions.items()}
        yield offset, values


def _split_aliases(text: str) -> list[str]:
    parts = [text]
    for separator in ALIAS_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _parse_units(rows: list[list[str]], sheet: str, errors: list[RowError]) -> list[UnitRow]:
    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    for row, values in _records(rows, UNIT_COLUMNS, UNIT_REQUIRED, sheet, errors):
        row_errors: list[RowError] = []
        name = values["name"]
        if not name:
            row_errors.append(RowError(sheet, row, "单位名称", "单位名称不能为空。"))
        elif len(name) > 100:
            row_errors.append(RowError(sheet, row, "单位名称", "单位名称不能超过100个字。"))
        elif name in seen:
            row_errors.append(RowError(sheet, row, "单位名称", f"与第{seen[name]}行重复。"))
        kind_text = values["kind"]
        kind, stage_from_kind = KIND_LABELS.get(kind_text, (kind_text if kind_text in KIND_CODES else "", ""))
        if not kind:
            allowed = "、".join(["局机关", "局领导", "机关科室", "直属单位", "学校", "幼儿园", "其他"])
            row_errors.append(RowError(sheet, row, "单位类型", f"“{kind_text}”不是有效的单位类型，可填：{allowed}。"))
        stage_text = values.get("stage", "")
        stage = STAGE_LABELS.get(stage_text, stage_text if stage_text in {"", *STAGE_LABELS.values()} else None)
        if stage is None:
            row_errors.append(
                RowError(sheet, row, "学段", f"“{stage_text}”不是有效的学段，可填：{'、'.join(STAGE_LABELS)}。")
            )
            stage = ""
        stage = stage or stage_from_kind
        if stage and kind and kind != "school":
            row_errors.append(RowError(sheet, row, "学段", "只有学校需要填写学段。"))
        ownership_text = values.get("ownership", "")
        ownership = OWNERSHIP_LABELS.get(
            ownership_text, ownership_text if ownership_text in ("public", "private", "") else None
        )
        if ownership is None:
            row_errors.append(RowError(sheet, row, "办学性质", f"“{ownership_text}”无效，请填“公办”或“民办”。"))
            ownership = ""
        if ownership and kind and kind not in ("school", "kindergarten"):
            row_errors.append(RowError(sheet, row, "办学性质", "只有学校和幼儿园需要填写办学性质。"))
        sort_text = values.get("sort_order", "")
        sort_order = None
        if sort_text:
            if sort_text.isdigit():
                sort_order = int(sort_text)
            else:
                row_errors.append(RowError(sheet, row, "排序", f"“{sort_text}”不是非负整数。"))
        short_name = values.get("short_name", "")
        if len(short_name) > 50:
            row_errors.append(RowError(sheet, row, "简称", "简称不能超过50个字。"))
        if name and name not in seen:
            seen[name] = row
        if row_errors:
            errors.extend(row_errors)
            continue
        units.append(
            UnitRow(
                row=row,
                name=name,
                kind=kind,
                short_name=short_name,
                stage=stage,
                ownership=ownership,
                parent=values.get("parent", ""),
                aliases=[alias for alias in _split_aliases(values.get("aliases", "")) if alias != name],
                code=values.get("code", ""),
                sort_order=sort_order,
            )
        )
    return units


def _parse_people(rows: list[list[str]], sheet: str, errors: list[RowError]) -> list[PersonRow]:
    people: list[PersonRow] = []
    seen: dict[str, int] = {}
    for row, values in _records(rows, PERSON_COLUMNS, PERSON_REQUIRED, sheet, errors):
        row_errors: list[RowError] = []
        username = values["username"]
        if not username:
            row_errors.append(RowError(sheet, row, "用户名", "用户名不能为空。"))
        elif len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_" for ch in username):
            row_errors.append(RowError(sheet, row, "用户名", "用户名只能包含字母、数字和 @ . + - _，最长150个字符。"))
        elif username.lower() in seen:
            row_errors.append(RowError(sheet, row, "用户名", f"与第{seen[username.lower()]}行重复。"))
        full_name = values["full_name"]
        if not full_name:
            row_errors.append(RowError(sheet, row, "姓名", "姓名不能为空。"))
        elif len(full_name) > 50:
            row_errors.append(RowError(sheet, row, "姓名", "姓名不能超过50个字。"))
        role_text = values["role"]
        role = ROLE_LABELS.get(role_text, role_text if role_text in ROLE_LABELS.values() else "")
        if not role:
            row_errors.append(
                RowError(
                    sheet,
                    row,
                    "角色",
                    f"“{role_text}”不是有效的角色，可填：系统管理员、督查人员、局领导、单位负责人、单位经办人。",
                )
            )
        email = values.get("email", "")
        if email and ("@" not in email or email.startswith("@") or email.endswith("@") or " " in email):
            row_errors.append(RowError(sheet, row, "电子邮箱", f"“{email}”不是有效的电子邮箱地址。"))
        phone = values.get("phone", "")
        if phone and not (phone.replace("-", "").replace(" ", "").isdigit() and len(phone) <= 20):
            row_errors.append(RowError(sheet, row, "手机号码", f"“{phone}”不是有效的电话号码。"))
        if username and username.lower() not in seen:
            seen[username.lower()] = row
        if row_errors:
            errors.extend(row_errors)
            continue
        people.append(
            PersonRow(
                row=row,
                username=username,
                full_name=full_name,
                role=role,
                unit=values.get("unit", ""),
                phone=phone,
                email=email,
                title=values.get("title", ""),
                password=values.get("password", ""),
            )
        )
    return people


def parse_directory_file(filename: str, data: bytes, *, max_bytes: int) -> ParsedDirectory:
    """Parse an uploaded units/people list; raise DirectoryFileError when the file itself is unusable."""
    if not data:
        raise DirectoryFileError("上传的文件是空的。")
    if len(data) > max_bytes:
        raise DirectoryFileError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），不能超过 {max_bytes / 1024 / 1024:.0f} MB。"
        )
    lowered = filename.lower()
    if data.startswith(OLE_MAGIC) or lowered.endswith(".xls"):
        raise DirectoryFileError("不支持旧版 .xls 格式，请在 Excel 中“另存为” .xlsx 后再上传。")
    if lowered.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise DirectoryFileError("文件扩展名是 .xlsx，但内容不是 Excel 工作簿。")
        tables = _read_xlsx(data)
    elif lowered.endswith(".csv"):
        if data.startswith(XLSX_MAGIC) or b"\x00" in data[:1024]:
            raise DirectoryFileError("文件扩展名是 .csv，但内容不是文本表格。")
        rows = _read_csv(data)
        kind = _table_kind([_clean_header(value) for value in rows[0]]) if rows else None
        if kind is None:
            raise DirectoryFileError(
                "无法识别 CSV 的表头：单位表需含“单位名称”“单位类型”，人员表需含“用户名”“姓名”“角色”。"
            )
        tables = {kind: rows}
    else:
        raise DirectoryFileError("只支持 .xlsx 或 .csv 文件。")

    parsed = ParsedDirectory()
    unit_rows = tables.get(UNITS_SHEET)
    people_rows = tables.get(PEOPLE_SHEET)
    if unit_rows is None and people_rows is None and lowered.endswith(".xlsx"):
        # A workbook whose sheets were renamed: recognise each by its header.
        for rows in tables.values():
            kind = _table_kind([_clean_header(value) for value in rows[0]]) if rows else None
            if kind == UNITS_SHEET and unit_rows is None:
                unit_rows = rows
            elif kind == PEOPLE_SHEET and people_rows is None:
                people_rows = rows
    if not any(any(row) for row in (unit_rows or [])[1:]) and not any(any(row) for row in (people_rows or [])[1:]):
        raise DirectoryFileError("文件中没有可导入的数据：请在“单位”或“人员”工作表的表头下方填写数据。")
    if unit_rows:
        parsed.units = _parse_units(unit_rows, UNITS_SHEET, parsed.errors)
    if people_rows:
        parsed.people = _parse_people(people_rows, PEOPLE_SHEET, parsed.errors)
    return parsed
