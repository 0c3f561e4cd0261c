"""Read task tables (任务分解表, 重点工作清单) into the outline's nodes: group cells become sections, rows items.

A table is recognised by its header row (序号 / 重点任务 / 牵头单位 / 完成时限 …). Each task row becomes an item
carrying its owners (extra["owners"]), its deadline (extra["time"]) and, when a cell lists dated steps
(①3月底前… ②5月底前…), its milestones (extra["milestones"]).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from plans.importers import markers as mk
from plans.importers.document import Paragraph, Table
from plans.importers.normalize import fold, squash_spaces
from plans.importers.owners import Owners, split_unit_names
from plans.importers.phrases import TimePhrase, default_phrase, find_time_phrase
from plans.importers.structure import Node

_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "task": ("重点任务", "工作任务", "工作事项", "任务名称", "主要任务", "重点工作", "任务", "事项"),
    "detail": (
        *("具体要求", "工作内容", "具体内容", "工作措施", "主要内容", "任务内容", "目标要求", "工作目标"),
        *("具体措施", "主要措施", "工作举措"),
    ),
    "lead": ("牵头单位", "牵头科室", "牵头部门"),
    "duty": ("责任单位", "责任科室", "负责科室", "责任部门", "主责单位", "承办单位"),
    "co": ("配合单位", "配合科室", "配合部门", "协办单位"),
    "leader": ("分管领导", "责任领导", "牵头领导", "局领导"),
    "deadline": ("完成时限", "时限要求", "进度安排", "完成时间", "时间节点", "时限", "完成期限"),
    "ignored": ("进展情况", "完成情况", "推进情况", "落实情况", "备注"),
    "group": ("类别", "分类", "项目类别", "领域", "板块", "重点领域", "工作类别"),
}
_ROLE_OF = {name: role for role, names in _ROLE_NAMES.items() for name in names}

HEADER_ROWS = 3  # the header is looked for among the first rows (a title row may come first)
MIN_CELL_LINE_HEADER = 3  # pasted "one cell per line": this many header names in a row start a table
SHORT_CELL = 80  # owner and number cells are short; longer text means the cell lines went out of step
MIN_CONTAINED = 4  # a title shorter than this is too generic to match by containment
SIMILAR = 0.8  # difflib ratio at which two titles name the same task

_TRAILING = " \t\n,，、;；:：。.!！?？"
_SENTENCE_END = re.compile(r"[。!?！？\n]")
_NUMBER = re.compile(r"\d{1,3}(?:[.-]\d{1,3})*")
_NUMBER_PUNCTUATION = " .、,:：()[]"
_PAREN_SUFFIX = re.compile(r"\([^()]*\)$")
_SECTION_FAMILIES = (mk.PART, mk.CN, mk.CN_PAREN, mk.MONTH)
_ITEM_FAMILIES = (mk.NUM, mk.NUM_PAREN, mk.CIRCLED_NUM, mk.CN, mk.CN_PAREN)

Milestone = tuple[str, TimePhrase | None]


@dataclass
class TableColumns:
    """The index of each recognised column in the header row, None when absent."""

    number: int | None = None
    group: list[int] = field(default_factory=list)
    task: int | None = None
    detail: int | None = None
    lead: int | None = None
    co: int | None = None
    leader: int | None = None
    deadline: int | None = None
    ignored: list[int] = field(default_factory=list)

    def assigned(self) -> set[int]:
        """Return the indexes of every recognised column."""
        single = (self.number, self.task, self.detail, self.lead, self.co, self.leader, self.deadline)
        return {index for index in single if index is not None} | set(self.group) | set(self.ignored)


# --- Header ------------------------------------------------------------------------------


def _header_key(cell: str) -> str:
    return squash_spaces(fold(cell)).rstrip("*:").rstrip("*")


def column_role(cell: str) -> str | None:
    """Return the role a header cell names ("task", "lead", "duty" …), or None for an unknown header."""
    key = _header_key(cell)
    if key in _ROLE_OF:
        return _ROLE_OF[key]
    # 完成时限(2024年) / 责任单位(排名第一的为牵头单位): the name before a closing parenthesis.
    return _ROLE_OF.get(_PAREN_SUFFIX.sub("", key).rstrip("*"))


def _indexes_by_role(header: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        role = column_role(cell)
        if role is None:
            continue
        same = found.setdefault(role, [])
        # A header cell merged across columns repeats its text: the rightmost copy is the column itself.
        if role in ("task", "detail") and same and _header_key(header[same[-1]]) == _header_key(cell):
            same[-1] = index
        else:
            same.append(index)
    return found


def recognise_columns(header: list[str]) -> TableColumns | None:
    """Return the columns a header row names, or None when it is not the header of a task table."""
    found = _indexes_by_role(header)
    first = {role: indexes[0] for role, indexes in found.items()}
    columns = TableColumns(
        number=first.get("number"),
        group=list(found.get("group", [])),
        task=first.get("task"),
        detail=first.get("detail"),
        leader=first.get("leader"),
        deadline=first.get("deadline"),
        ignored=list(found.get("ignored", [])),
    )
    if columns.task is None and columns.detail is not None:
        details = found["detail"]
        columns.task, columns.detail = details[0], (details[1] if len(details) > 1 else None)
    _assign_owner_columns(columns, found)
    if columns.task is None or (columns.number is None and columns.lead is None and columns.deadline is None):
        return None
    return columns


def _assign_owner_columns(columns: TableColumns, found: dict[str, list[int]]) -> None:
    """Set the lead and co columns: 牵头 leads, and 责任 is the co column when both are present."""
    lead, duty, co = found.get("lead", []), found.get("duty", []), found.get("co", [])
    if lead:
        columns.lead = lead[0]
        columns.co = co[0] if co else (duty[0] if duty else None)
    elif duty:
        columns.lead = duty[0]
        # 责任单位 merged across two sub-columns reads twice: the first leads, the second cooperates.
        columns.co = co[0] if co else (duty[1] if len(duty) > 1 else None)
    elif co:
        columns.co = co[0]


def _score(columns: TableColumns) -> int:
    return len(columns.assigned())


def find_header(table: Table) -> tuple[int, TableColumns] | None:
    """Return the header row's index and its columns, looking among the first rows; None for other tables."""
    best: tuple[int, TableColumns] | None = None
    for index, row in enumerate(table.rows[:HEADER_ROWS]):
        columns = recognise_columns(row)
        if columns is not None and (best is None or _score(columns) > _score(best[1])):
            best = (index, columns)
    if best is None:
        return None
    _add_unnamed_columns(table, *best)
    return best


def _add_unnamed_columns(table: Table, header_index: int, columns: TableColumns) -> None:
    """Take unnamed columns left of the task: numbers are the 序号, vertically merged text is a group."""
    header = table.rows[header_index]
    data = range(header_index + 1, len(table.rows))
    for column in range(columns.task or 0):
        if column in columns.assigned():
            continue
        values = [table.rows[row][column].strip() for row in data if column < len(table.rows[row])]
        filled = [value for value in values if value]
        if not filled:
            continue
        merged = any(table.is_continued(row, column) for row in data)
        if not merged and squash_spaces(header[column]):
            continue
        if columns.number is None and not merged and all(_number_of(value) for value in filled):
            columns.number = column
        elif merged or len(filled) < len(values) or len(set(filled)) < len(filled):
            columns.group.append(column)
    columns.group.sort()


def _is_header_row(cells: list[str], header: list[str]) -> bool:
    same = [_header_key(cell) for cell in cells] == [_header_key(cell) for cell in header]
    return same or recognise_columns(cells) is not None


# --- Cells -------------------------------------------------------------------------------


def _number_of(cell: str) -> str | None:
    """Return the number a 序号 cell holds, without punctuation ("3", "十二"), or None."""
    value = squash_spaces(fold(cell)).strip(_NUMBER_PUNCTUATION)
    if not value:
        return None
    if _NUMBER.fullmatch(value):
        return value
    if not value.isdigit() and mk.cn_to_int(value) is not None:
        return value
    return None


def _headline(text: str) -> str:
    """Return the first sentence (or line) of a cell, trailing punctuation trimmed."""
    text = text.strip()
    end = _SENTENCE_END.search(text)
    first = text[: end.start()] if end else text
    return first.strip(_TRAILING).strip()


def _split_marker(text: str, families: tuple[str, ...]) -> tuple[mk.Marker | None, str]:
    """Return the leading marker of a cell (when of one of the families) and the text after it."""
    marker = mk.leading_marker(fold(text))
    if marker is None or marker.family not in families or marker.number is None:
        return None, text.strip()
    return marker, text[marker.end :].strip()


def _section_node(text: str, *, number: str | None = None, family: str | None = None) -> Node:
    """Return the section a group cell or a section row names; its own number (一、 (一)) is its key."""
    marker, body = _split_marker(text, _SECTION_FAMILIES)
    if marker is not None:
        number, family = marker.number, marker.family
    title = _headline(body) or squash_spaces(body)
    return Node(family, number, number or squash_spaces(title), title, body.strip(), heading_like=True)


# --- Owners ------------------------------------------------------------------------------

# Matched on folded text, where full-width punctuation is already ASCII.
_OWNER_LABEL = re.compile(r"(牵头|配合|协办|责任|负责|主责|承办)(?:单位|科室|部门)?\s*:")
_LEAD_TAG = re.compile(r"([^、,;\s]+?)\s*\(\s*牵头\s*\)")


def _labelled_units(cell: str) -> tuple[list[str], list[str]] | None:
    """Split a cell written 牵头:基教科;配合:计财科 or 基教科(牵头)、计财科 into (lead, co) texts."""
    folded = fold(cell)
    labels = list(_OWNER_LABEL.finditer(folded))
    if labels:
        lead: list[str] = []
        co: list[str] = []
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(cell)
            part = cell[label.end() : end].strip(_TRAILING)
            (co if label.group(1) in ("配合", "协办") else lead).append(part)
        return lead, co
    tagged = list(_LEAD_TAG.finditer(folded))
    if tagged:
        lead = [cell[match.start(1) : match.end(1)] for match in tagged]
        rest = cell
        for match in reversed(tagged):
            rest = rest[: match.start()] + rest[match.end() :]
        return lead, [rest]
    return None


def _units(texts: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for text in texts:
        for name in split_unit_names(text):
            if name not in names:
                names.append(name)
    return tuple(names)


def _row_owners(lead_cell: str, co_cell: str, leader_cell: str) -> tuple[list[str], list[str], list[str]]:
    """Return the lead, co and leader texts of one row."""
    labelled = _labelled_units(lead_cell) if lead_cell else None
    if labelled is None:
        return [lead_cell], [co_cell], [leader_cell]
    lead, co = labelled
    return lead, [*co, co_cell], [leader_cell]


def _owners(rows: list[tuple[list[str], list[str], list[str]]]) -> Owners | None:
    lead = _units([text for row in rows for text in row[0] if text])
    co = tuple(name for name in _units([text for row in rows for text in row[1] if text]) if name not in lead)
    leaders = _units([text for row in rows for text in row[2] if text])
    if not (lead or co or leaders):
        return None
    return Owners(lead=lead, co=co, leaders=leaders, text="")


# --- Time --------------------------------------------------------------------------------

_CIRCLED_STEP = re.compile(f"[{mk.CIRCLED}]")
_PAREN_STEP = re.compile(r"\(\s*(\d{1,2})\s*\)")
# 1. or 1、 — not 1.5 (a decimal), but 1.6月底前 (a step that starts with a month)
_NUMBER_STEP = re.compile(r"(?:(?<=^)|(?<=[\s。;,:]))(\d{1,2})\s*[.、](?:(?!\d)|(?=\d{1,2}月))")


def _steps(folded: str) -> list[tuple[int, int]]:
    """Return (marker start, text start) of the numbered steps in a cell, when they count 1, 2, …"""
    for pattern in (_CIRCLED_STEP, _PAREN_STEP, _NUMBER_STEP):
        found: list[tuple[int, int]] = []
        for match in pattern.finditer(folded):
            value = mk.CIRCLED.index(match.group()) + 1 if pattern is _CIRCLED_STEP else int(match.group(1))
            if value == len(found) + 1:
                found.append((match.start(), match.end()))
        if len(found) >= 2:
            return found
    return []


def milestones_of(cell: str, *, plan_year: int | None) -> list[Milestone]:
    """Return the dated steps a cell lists (①3月底前,完成… ②5月底前,…); [] when it lists none with a date."""
    steps = _steps(fold(cell))
    milestones: list[Milestone] = []
    for index, (_start, text_start) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else len(cell)
        text = cell[text_start:end].strip(_TRAILING)
        if text:
            milestones.append((text, find_time_phrase(text, plan_year=plan_year)))
    return milestones if any(phrase is not None for _text, phrase in milestones) else []


def _latest(phrases: list[TimePhrase]) -> TimePhrase | None:
    """Return the phrase with the latest deadline (ongoing and recurring phrases count as earliest)."""
    if not phrases:
        return None
    return max(phrases, key=lambda phrase: (phrase.deadline or datetime.date.min, phrase.month_end or 0))


def _row_time(
    deadline_cell: str, detail_cell: str, task_cell: str, *, plan_year: int | None
) -> tuple[TimePhrase | None, list[Milestone]]:
    """Return a row's time limit and milestones: the deadline cell, else the latest milestone, else the text."""
    milestones = milestones_of(deadline_cell, plan_year=plan_year) if deadline_cell else []
    if not milestones and detail_cell:
        milestones = milestones_of(detail_cell, plan_year=plan_year)
    dated = [phrase for _text, phrase in milestones if phrase is not None]
    if deadline_cell and not milestones:
        phrase = find_time_phrase(deadline_cell, plan_year=plan_year)
        if phrase is not None:
            return phrase, milestones
    if dated:
        return _latest(dated), milestones
    for text in (detail_cell, task_cell):
        phrase = find_time_phrase(text, plan_year=plan_year) if text else None
        if phrase is not None:
            return phrase, milestones
    return None, milestones


# --- Rows --------------------------------------------------------------------------------


@dataclass
class _Row:
    """A data row with its cells read by role; group and task cells are filled down from the rows above."""

    index: int
    number: str
    groups: list[str]
    task: str
    detail: str
    lead: str
    co: str
    leader: str
    deadline: str
    task_continued: bool = False
    detail_continued: bool = False


def _cell(cells: list[str], column: int | None) -> str:
    return cells[column].strip() if column is not None and column < len(cells) else ""


def _chinese_number(cell: str) -> str | None:
    number = _number_of(cell)
    return number if number and not number[0].isdigit() else None


def _section_row(cells: list[str], columns: TableColumns) -> Node | None:
    """Return the section a row names when it is one: merged across the row, or a lone 一、 / (一) heading."""
    number_cell = _cell(cells, columns.number)
    chinese = _chinese_number(number_cell)
    others = [cell.strip() for index, cell in enumerate(cells) if index != columns.number]
    filled = [cell for cell in others if cell]
    if len(others) >= 2 and len(filled) == len(others) and len(set(filled)) == 1:
        return _section_node(filled[0], number=chinese, family=mk.CN if chinese else None)
    if len(filled) != 1:
        return None
    marker, _body = _split_marker(filled[0], (mk.PART, mk.CN, mk.CN_PAREN))
    if marker is not None and not number_cell:
        return _section_node(filled[0])
    # 一 | 全面加强党的建设 | (nothing else): a Chinese numeral in the 序号 column heads a part.
    if chinese and filled[0] == _cell(cells, columns.task):
        return _section_node(filled[0], number=chinese, family=mk.CN)
    return None


def _filled_down(groups: list[str], previous: _Row | None) -> list[str]:
    """Fill a blank group cell from the row above while the outer groups are the same (merged cell pasted once)."""
    if previous is None:
        return groups
    filled: list[str] = []
    for level, value in enumerate(groups):
        same_outer = filled == previous.groups[:level]
        filled.append(value or (previous.groups[level] if same_outer else ""))
    return filled


def _read_row(table: Table, index: int, columns: TableColumns, previous: _Row | None) -> _Row:
    cells = table.rows[index]
    task, detail = _cell(cells, columns.task), _cell(cells, columns.detail)
    task_continued = columns.task is not None and table.is_continued(index, columns.task)
    if previous is not None and not task and detail and columns.detail is not None:
        task, task_continued = previous.task, True  # a merged task cell pasted once
    return _Row(
        index=index,
        number=_cell(cells, columns.number),
        groups=_filled_down([_cell(cells, column) for column in columns.group], previous),
        task=task,
        detail=detail,
        lead=_cell(cells, columns.lead),
        co=_cell(cells, columns.co),
        leader=_cell(cells, columns.leader),
        deadline=_cell(cells, columns.deadline),
        task_continued=task_continued,
        detail_continued=columns.detail is not None and table.is_continued(index, columns.detail),
    )


def _same_task(previous: _Row, row: _Row) -> bool:
    """Return whether a row continues the task of the row above (a task cell merged over several rows)."""
    if previous.groups != row.groups or not row.task:
        return False
    if row.task_continued:
        return True
    numbers = _number_of(previous.number), _number_of(row.number)
    if all(numbers) and numbers[0] != numbers[1]:
        return False
    return squash_spaces(row.task) == squash_spaces(previous.task)


def _same_detail(previous: _Row, row: _Row) -> bool:
    return row.detail_continued or not row.detail or squash_spaces(row.detail) == squash_spaces(previous.detail)


# --- Building ----------------------------------------------------------------------------


class _OutlineBuilder:
    """Collect a table's sections and items in document order."""

    def __init__(self, plan_year: int | None) -> None:
        self.plan_year = plan_year
        self.roots: list[Node] = []
        self.sections: list[tuple[str | None, Node]] = []  # section rows, outermost first
        self.groups: list[tuple[tuple[int, str], Node]] = []  # open group cells: ((level, text), node)

    def open_section(self, node: Node) -> None:
        """Start a section row's section, nested under an enclosing one (一、 above (一))."""
        families = [family for family, _node in self.sections]
        if node.family in families:
            del self.sections[families.index(node.family) :]
        self._children_of(self.sections[-1][1] if self.sections else None).append(node)
        self.sections.append((node.family, node))
        self.groups = []

    def parent_for(self, groups: list[str], task: str) -> Node | None:
        """Return the node a row's item goes under, opening the group sections its cells name."""
        parent = self.sections[-1][1] if self.sections else None
        path: list[tuple[tuple[int, str], Node]] = []
        reusing = True
        for level, text in enumerate(groups):
            if not text or squash_spaces(text) == squash_spaces(task):
                continue
            old = self.groups[len(path)] if len(path) < len(self.groups) else None
            if reusing and old is not None and old[0] == (level, text):
                node = old[1]
            else:
                reusing = False
                node = _section_node(text)
                self._children_of(parent).append(node)
            path.append(((level, text), node))
            parent = node
        self.groups = path
        return parent

    def add_task(self, rows: list[_Row], parent: Node | None) -> None:
        """Add the item of a run of rows sharing one task: one item, or a section of items when details differ."""
        runs: list[list[_Row]] = [[rows[0]]]
        for row in rows[1:]:
            if _same_detail(runs[-1][-1], row):
                runs[-1].append(row)
            else:
                runs.append([row])
        siblings = self._children_of(parent)
        if len(runs) == 1:
            siblings.append(self._item(runs[0], number=_number_of(rows[0].number), siblings=siblings))
            return
        section = _task_section(rows[0])
        siblings.append(section)
        for run in runs:
            own = _number_of(run[0].number)
            number = own if own != section.number else None
            section.children.append(self._item(run, number=number, siblings=section.children, from_detail=True))

    def _children_of(self, parent: Node | None) -> list[Node]:
        return self.roots if parent is None else parent.children

    def _item(self, rows: list[_Row], *, number: str | None, siblings: list[Node], from_detail: bool = False) -> Node:
        first = rows[0]
        headline_cell = first.detail if from_detail else first.task
        marker, body = _split_marker(headline_cell, _ITEM_FAMILIES)
        family = marker.family if marker is not None else None
        number = number or (marker.number if marker is not None else None)
        if number is not None and family is None:
            family = mk.NUM if number[0].isdigit() else mk.CN
        text = body if from_detail else "\n".join(part for part in (body, first.detail) if part)
        node = Node(family, number, number or str(len(siblings) + 1), _headline(body), text)
        node.extra.update(self._annotations(rows))
        node.extra["table_rows"] = [row.index for row in rows]
        return node

    def _annotations(self, rows: list[_Row]) -> dict:
        """Return the owners, deadline and milestones of an item's rows."""
        extra: dict = {}
        owners = _owners([_row_owners(row.lead, row.co, row.leader) for row in rows])
        if owners is not None:
            extra["owners"] = owners
        phrases: list[TimePhrase] = []
        milestones: list[Milestone] = []
        for row in rows:
            phrase, found = _row_time(row.deadline, row.detail, row.task, plan_year=self.plan_year)
            if phrase is not None and phrase not in phrases:
                phrases.append(phrase)
            for milestone in found:
                if milestone not in milestones:
                    milestones.append(milestone)
        extra["time"] = _latest(phrases) or default_phrase(self.plan_year)
        if milestones:
            extra["milestones"] = milestones
        return extra


def _task_section(row: _Row) -> Node:
    """Return the section a task cell merged over rows with different details becomes."""
    number = _number_of(row.number)
    marker, body = _split_marker(row.task, _ITEM_FAMILIES)
    if marker is not None:
        number = number or marker.number
    title = _headline(body)
    family = (mk.NUM if number[0].isdigit() else mk.CN) if number else None
    return Node(family, number, number or squash_spaces(title), title, body, heading_like=True)


def _unique_keys(nodes: list[Node]) -> None:
    """Make sibling keys unique: a repeated key gets -2, -3 …"""
    seen: dict[str, int] = {}
    for node in nodes:
        if node.key in seen:
            seen[node.key] += 1
            node.key = f"{node.key}-{seen[node.key]}"
        else:
            seen[node.key] = 1
        _unique_keys(node.children)


def _data_rows(table: Table, header_index: int, columns: TableColumns) -> Iterator[_Row | Node]:
    """Yield each data row read by role, or the section a section row names; skip blanks and repeated headers."""
    header = table.rows[header_index]
    previous: _Row | None = None
    for index in range(header_index + 1, len(table.rows)):
        cells = table.rows[index]
        if not any(cell.strip() for cell in cells) or _is_header_row(cells, header):
            continue
        section = _section_row(cells, columns)
        if section is not None:
            previous = None
            yield section
            continue
        row = _read_row(table, index, columns, previous)
        if row.task or row.detail:
            previous = row
            yield row


def table_to_nodes(table: Table, *, plan_year: int | None) -> list[Node]:
    """Return a task table's sections (group cells, section rows) holding its items; [] for other tables."""
    found = find_header(table)
    if found is None:
        return []
    header_index, columns = found
    builder = _OutlineBuilder(plan_year)
    run: list[_Row] = []
    run_parent: Node | None = None

    def flush() -> None:
        if run:
            builder.add_task(list(run), run_parent)
            run.clear()

    for entry in _data_rows(table, header_index, columns):
        if isinstance(entry, Node):
            flush()
            builder.open_section(entry)
            continue
        if not entry.task:
            entry.task, entry.detail = entry.detail, ""
        if run and _same_task(run[-1], entry):
            run.append(entry)
            continue
        flush()
        run_parent = builder.parent_for(entry.groups, entry.task)
        run.append(entry)
    flush()
    _unique_keys(builder.roots)
    return builder.roots


# --- Text pasted one cell per line -------------------------------------------------------


def _line_text(paragraph: Paragraph) -> str:
    return paragraph.text.strip() or paragraph.label.strip()


def _is_header_name(text: str) -> bool:
    return bool(text) and column_role(text) is not None


def _consistent(cells: list[str], columns: TableColumns) -> bool:
    """Return whether cells read N at a time still line up with the header."""
    if any(_is_header_name(cell) for cell in cells):
        return False
    task = _cell(cells, columns.task)
    if not task or _number_of(task):
        return False
    if columns.number is not None and not _number_of(_cell(cells, columns.number)):
        return False
    short = (columns.lead, columns.co, columns.leader, *columns.group)
    for column in short:
        value = _cell(cells, column)
        if value and (_number_of(value) or "。" in value or len(value) > SHORT_CELL):
            return False
    return not (columns.detail is not None and _number_of(_cell(cells, columns.detail)))


def _read_cell_line_rows(
    lines: list[str], start: int, header: list[str], columns: TableColumns
) -> tuple[list[list[str]], list[list[bool]], int]:
    """Read rows of cells N lines at a time until they stop lining up; return rows, merge flags and the end."""
    width = len(header)
    rows: list[list[str]] = []
    flags: list[list[bool]] = []
    position = start
    while position < len(lines):
        cells = lines[position : position + width]
        if len(cells) == width and [_header_key(cell) for cell in cells] == [_header_key(cell) for cell in header]:
            position += width  # a header repeated where the pasted table crossed a page
            continue
        if len(cells) == width and _consistent(cells, columns):
            rows.append(cells)
            flags.append([False] * width)
            position += width
            continue
        # A merged group cell is pasted once, on its first row: the rows below it are missing that cell.
        short = _without_group_cells(lines, position, width, columns, rows[-1] if rows else None)
        if short is None:
            break
        rows.append(short)
        flags.append([column in columns.group for column in range(width)])
        position += width - len(columns.group)
    return rows, flags, position


def _without_group_cells(
    lines: list[str], position: int, width: int, columns: TableColumns, previous: list[str] | None
) -> list[str] | None:
    if previous is None or not columns.group or columns.number is None:
        return None
    count = width - len(columns.group)
    if position + count > len(lines):
        return None
    cells = iter(lines[position : position + count])
    row = [previous[column] if column in columns.group else next(cells) for column in range(width)]
    return row if _consistent(row, columns) else None


def tables_from_cell_lines(paragraphs: list[Paragraph]) -> list[tuple[int, int, Table]]:
    """Find tables pasted one cell per line; return (index of the first paragraph, index past the last, Table)."""
    lines = [_line_text(paragraph) for paragraph in paragraphs]
    found: list[tuple[int, int, Table]] = []
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and _is_header_name(lines[end]):
            end += 1
        columns = recognise_columns(lines[start:end]) if end - start >= MIN_CELL_LINE_HEADER else None
        if columns is None:
            start = max(end, start + 1)
            continue
        header = lines[start:end]
        rows, flags, stop = _read_cell_line_rows(lines, end, header, columns)
        if rows:
            found.append((start, stop, Table(rows=[header, *rows], continued=[[False] * len(header), *flags])))
        start = stop if rows else end
    return found


# --- Prose restated in a table -----------------------------------------------------------


def _title_key(node: Node) -> str:
    return squash_spaces(fold(node.title)).strip(_TRAILING)


def _similarity(outline_key: str, table_key: str) -> float | None:
    """Return how well two titles match (3 equal, 2–3 one contains the other, ≥ 0.8 similar), or None."""
    if not outline_key or not table_key:
        return None
    if outline_key == table_key:
        return 3.0
    shorter, longer = sorted((outline_key, table_key), key=len)
    if len(shorter) >= MIN_CONTAINED and shorter in longer:
        return 2.0 + len(shorter) / len(longer)
    matcher = difflib.SequenceMatcher(None, outline_key, table_key, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return None
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILAR else None


def _leaves(nodes: list[Node]) -> list[Node]:
    found: list[Node] = []
    for node in nodes:
        found.extend(_leaves(node.children) if node.children else [node])
    return found


def _attach(outline: Node, table: Node) -> None:
    """Give an outline item the owners, deadline and milestones its table row names."""
    owners = table.extra.get("owners")
    if owners is not None:
        existing = outline.extra.get("owners")
        if existing is None:
            outline.extra["owners"] = owners
        else:
            outline.extra["owners"] = replace(
                existing,
                lead=existing.lead or owners.lead,
                co=existing.co or owners.co,
                leaders=existing.leaders or owners.leaders,
            )
    phrase = table.extra.get("time")
    if phrase is not None and phrase.kind != "defaulted":
        outline.extra["time"] = phrase
    if table.extra.get("milestones"):
        outline.extra["milestones"] = table.extra["milestones"]
    outline.extra["table_title"] = table.title


def merge_into_outline(outline_items: list[Node], table_items: list[Node]) -> list[Node]:
    """Attach each table row to the outline item it restates; return the table items that matched none.

    Both lists may hold sections: their leaves are compared. Each outline item takes at most one row,
    the best matching first (equal titles, then containment, then similarity).
    """
    outline_leaves, table_leaves = _leaves(outline_items), _leaves(table_items)
    outline_keys = [_title_key(node) for node in outline_leaves]
    pairs: list[tuple[float, int, int]] = []
    for table_position, table_node in enumerate(table_leaves):
        table_key = _title_key(table_node)
        for outline_position, outline_key in enumerate(outline_keys):
            score = _similarity(outline_key, table_key)
            if score is not None:
                pairs.append((score, table_position, outline_position))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    used_outline: set[int] = set()
    matched_table: set[int] = set()
    for _score_value, table_position, outline_position in pairs:
        if table_position in matched_table or outline_position in used_outline:
            continue
        _attach(outline_leaves[outline_position], table_leaves[table_position])
        matched_table.add(table_position)
        used_outline.add(outline_position)
    return [node for position, node in enumerate(table_leaves) if position not in matched_table]
