"""Task tables (任务分解表): header recognition, rows to items, pasted cell lines, and merging with prose."""

from __future__ import annotations

import datetime
import io

import pytest

from plans.importers.document import Paragraph, SourceDocument, Table
from plans.importers.owners import Owners
from plans.importers.structure import Node, parse_outline
from plans.importers.tables import (
    TableColumns,
    find_header,
    merge_into_outline,
    milestones_of,
    recognise_columns,
    table_to_nodes,
    tables_from_cell_lines,
)

HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


def table(rows: list[list[str]], merged: dict[tuple[int, int], bool] | None = None) -> Table:
    """Build a Table; `merged` marks (row, column) cells that continue a vertical merge."""
    flags = [[bool(merged and merged.get((r, c))) for c in range(len(row))] for r, row in enumerate(rows)]
    return Table(rows=rows, continued=flags)


def outline(nodes: list[Node], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, bool]]:
    """Return (path, title, is_item) for every node, depth first."""
    found = []
    for node in nodes:
        path = (*prefix, node.key)
        found.append((path, node.title, node.is_item))
        found.extend(outline(node.children, path))
    return found


def items(nodes: list[Node]) -> list[Node]:
    found = []
    for node in nodes:
        found.extend(items(node.children) if node.children else [node])
    return found


# --- Columns -----------------------------------------------------------------------------


def test_recognise_columns_reads_each_role_by_header_text():
    header = [
        "序号",
        "类别",
        "重点任务",
        "具体要求",
        "牵头单位",
        "配合单位",
        "分管领导",
        "完成时限",
        "进展情况",
        "备注",
    ]
    assert recognise_columns(header) == TableColumns(
        number=0, group=[1], task=2, detail=3, lead=4, co=5, leader=6, deadline=7, ignored=[8, 9]
    )


def test_recognise_columns_folds_width_spaces_and_required_marks():
    header = ["序 号", "工作任务*", "责任科室＊", "完成时限（2024年）"]
    assert recognise_columns(header) == TableColumns(number=0, task=1, lead=2, deadline=3)


def test_detail_column_is_the_task_when_there_is_no_task_column():
    assert recognise_columns(["编号", "工作内容", "责任单位"]) == TableColumns(number=0, task=1, lead=2)


def test_responsible_column_is_co_when_a_lead_column_exists():
    columns = recognise_columns(["序号", "重点工作", "牵头科室", "责任单位", "时间节点"])
    assert (columns.lead, columns.co, columns.deadline) == (2, 3, 4)
    only_responsible = recognise_columns(["序号", "重点工作", "责任单位", "配合单位"])
    assert (only_responsible.lead, only_responsible.co) == (2, 3)


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "职务", "联系电话"],  # a contact list
        ["重点任务", "具体要求"],  # a task but no number, lead or deadline
        ["序号", "学校名称", "牵头单位"],  # no task column
    ],
)
def test_recognise_columns_rejects_other_tables(header):
    assert recognise_columns(header) is None


def test_find_header_skips_a_title_row():
    found = find_header(
        table([["2024年重点工作任务分解表"] * 3, ["序号", "重点任务", "责任单位"], ["1", "推进课后服务", "基教科"]])
    )
    assert found == (1, TableColumns(number=0, task=1, lead=2))
    assert find_header(table([["姓名", "科室"], ["张明", "基教科"]])) is None


def test_unnamed_vertically_merged_column_left_of_the_task_is_a_group():
    rows = [
        ["", "序号", "工作任务", "责任科室"],
        ["党的建设", "1", "开展主题教育", "组干科"],
        ["党的建设", "2", "推进清廉学校建设", "机关党委"],
        ["教育质量", "3", "实施强校工程", "基教科"],
    ]
    _index, columns = find_header(table(rows, {(2, 0): True}))
    assert columns.group == [0]
    nodes = table_to_nodes(table(rows, {(2, 0): True}), plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("党的建设",), "党的建设"),
        (("党的建设", "1"), "开展主题教育"),
        (("党的建设", "2"), "推进清廉学校建设"),
        (("教育质量",), "教育质量"),
        (("教育质量", "3"), "实施强校工程"),
    ]


# --- Rows to nodes -----------------------------------------------------------------------


def grouped_table() -> Table:
    rows = [
        ["序号", "类别", "重点任务", "具体要求", "牵头单位", "配合单位", "完成时限"],
        [
            "1",
            "一、全面加强党的建设",
            "深化党建品牌创建",
            "每校打造1个党建品牌。",
            "组干科",
            "机关党委",
            "2024年11月底前",
        ],
        [
            "2",
            "一、全面加强党的建设",
            "加强师德师风建设",
            "开展师德专题教育。",
            "组干科、人事科",
            "各中小学、幼儿园",
            "年内",
        ],
        ["3", "二、推动教育优质均衡", "推进集团化办学", "新组建2个教育集团。", "基教科", "计财科", "秋季"],
        ["4", "二、推动教育优质均衡", "扩大学前教育资源", "新增公办学位900个。", "学前科", "", "8月底前"],
    ]
    return table(rows, {(2, 1): True, (4, 1): True})


def test_group_cells_become_sections_keyed_by_their_numbers():
    nodes = table_to_nodes(grouped_table(), plan_year=2024)
    assert [(path, title, item) for path, title, item in outline(nodes)] == [
        (("一",), "全面加强党的建设", False),
        (("一", "1"), "深化党建品牌创建", True),
        (("一", "2"), "加强师德师风建设", True),
        (("二",), "推动教育优质均衡", False),
        (("二", "3"), "推进集团化办学", True),
        (("二", "4"), "扩大学前教育资源", True),
    ]
    assert nodes[0].number == "一"
    assert nodes[0].children[0].number == "1"


def test_item_carries_text_owners_and_deadline():
    first, second, third, fourth = items(table_to_nodes(grouped_table(), plan_year=2024))
    assert first.text == "深化党建品牌创建\n每校打造1个党建品牌。"
    assert first.extra["owners"] == Owners(lead=("组干科",), co=("机关党委",), leaders=(), text="")
    assert second.extra["owners"].lead == ("组干科", "人事科")
    assert second.extra["owners"].co == ("各中小学", "幼儿园")
    assert first.extra["time"].deadline == datetime.date(2024, 11, 30)
    assert second.extra["time"].deadline == datetime.date(2024, 12, 31)
    assert third.extra["time"].kind == "season"
    assert fourth.extra["owners"].co == ()
    assert fourth.extra["time"].text == "8月底前"


def test_group_without_a_number_is_keyed_by_its_text_and_ungrouped_rows_stay_on_top():
    rows = [
        ["序号", "领域", "工作任务", "责任科室"],
        ["1", "", "制定年度工作要点", "办公室"],
        ["2", "德育", "开展劳动教育实践周", "德体卫艺科"],
        ["3", "德育", "推进心理健康教育", "德体卫艺科"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("1",), "制定年度工作要点"),
        (("德育",), "德育"),
        (("德育", "2"), "开展劳动教育实践周"),
        (("德育", "3"), "推进心理健康教育"),
    ]


def test_row_merged_across_is_a_section_row():
    rows = [
        HEADER,
        ["一、党建引领"] * 5,
        ["1", "落实全面从严治党主体责任", "组干科", "机关党委", "12月底前"],
        ["二", "办好人民满意教育", "", "", ""],
        ["2", "实施义务教育强校工程", "基教科", "", "9月底前"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("一",), "党建引领"),
        (("一", "1"), "落实全面从严治党主体责任"),
        (("二",), "办好人民满意教育"),
        (("二", "2"), "实施义务教育强校工程"),
    ]


def test_header_repeated_mid_table_and_empty_rows_are_skipped():
    rows = [
        HEADER,
        ["1", "推进课后服务提质增效", "基教科", "各小学", "6月底前"],
        ["", "", "", "", ""],
        ["序 号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["2", "加强校园安全管理", "安全办", "各中小学", "持续推进"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [(node.key, node.title) for node in nodes] == [("1", "推进课后服务提质增效"), ("2", "加强校园安全管理")]
    assert nodes[1].extra["time"].ongoing


def test_rows_without_numbers_are_keyed_by_position_and_titled_by_first_sentence():
    rows = [
        ["工作任务", "责任单位", "时限要求"],
        ["全面推进教育数字化转型。建设智慧校园示范校5所", "电教站", "12月"],
        ["实施教师队伍建设“强师计划”", "人事科", "全年"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2025)
    assert [(node.key, node.number, node.title) for node in nodes] == [
        ("1", None, "全面推进教育数字化转型"),
        ("2", None, "实施教师队伍建设“强师计划”"),
    ]
    assert nodes[0].text == "全面推进教育数字化转型。建设智慧校园示范校5所"


def test_number_cell_punctuation_and_chinese_numerals():
    rows = [
        HEADER,
        ["１．", "健全督导评估机制", "督导室", "", "10月"],
        ["（十二）", "完善招生入学政策", "基教科", "", "7月"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [(node.key, node.number) for node in nodes] == [("1", "1"), ("十二", "十二")]


def test_progress_column_is_ignored():
    rows = [
        ["序号", "重点任务", "责任单位", "完成时限", "进展情况"],
        ["1", "推进中小学校舍改造", "计财科", "8月底前", "已完成招标，12月底前完工"],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert node.text == "推进中小学校舍改造"
    assert node.extra["time"].deadline == datetime.date(2024, 8, 31)


def test_deadline_falls_back_to_the_detail_then_to_the_default():
    rows = [
        ["序号", "重点任务", "工作措施", "牵头单位"],
        ["1", "推进家校共育", "9月底前建成区级家长学校。", "德体卫艺科"],
        ["2", "加强教育宣传", "讲好湖里教育故事。", "办公室"],
    ]
    first, second = table_to_nodes(table(rows), plan_year=2024)
    assert first.extra["time"].deadline == datetime.date(2024, 9, 30)
    assert second.extra["time"].kind == "defaulted"
    assert second.extra["time"].deadline == datetime.date(2024, 12, 31)
    assert "milestones" not in second.extra


def test_milestones_in_the_detail_give_the_deadline_when_there_is_no_deadline_cell():
    rows = [
        ["序号", "重点任务", "具体内容", "牵头单位"],
        [
            "1",
            "建设区域教育中心",
            "①3月底前，完成方案编制；②5月底前，启动主体施工；③10月底前，完成竣工验收。",
            "计财科",
        ],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert [(text, phrase.text) for text, phrase in node.extra["milestones"]] == [
        ("3月底前，完成方案编制", "3月底前"),
        ("5月底前，启动主体施工", "5月底前"),
        ("10月底前，完成竣工验收", "10月底前"),
    ]
    assert node.extra["time"].deadline == datetime.date(2024, 10, 31)


def test_milestones_in_a_schedule_column_numbered_in_brackets():
    rows = [
        ["序号", "重点任务", "牵头单位", "进度安排"],
        ["1", "开展义务教育质量监测", "教师进修学校", "（1）4月上旬，组织监测；（2）7月底前，形成监测报告"],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert [text for text, _phrase in node.extra["milestones"]] == ["4月上旬，组织监测", "7月底前，形成监测报告"]
    assert node.extra["time"].deadline == datetime.date(2024, 7, 31)


def test_numbered_measures_without_dates_are_not_milestones():
    assert milestones_of("1.完善制度；2.加强培训", plan_year=2024) == []
    assert milestones_of("分两步：1.6月底前完成摸底；2.12月底前完成整改", plan_year=2024)[1][0] == "12月底前完成整改"


def test_lead_and_responsible_columns_give_lead_and_co_units():
    rows = [
        ["序号", "重点任务", "牵头科室", "责任单位", "完成时限"],
        ["1", "推进“双减”工作落地见效", "基教科", "各中小学、教师进修学校", "持续推进"],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert node.extra["owners"].lead == ("基教科",)
    assert node.extra["owners"].co == ("各中小学", "教师进修学校")


def test_lead_tagged_inside_a_responsible_cell_and_leaders_column():
    rows = [
        ["序号", "重点任务", "责任单位", "分管领导", "完成时限"],
        ["1", "推进校园食品安全专项整治", "安全办（牵头）、计财科、各中小学", "李华", "6月底前"],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert node.extra["owners"] == Owners(lead=("安全办",), co=("计财科", "各中小学"), leaders=("李华",), text="")


def test_labelled_lead_cell_names_lead_and_co_units():
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "推进教育系统安全生产治本攻坚", "牵头单位：安全办；配合单位：计财科、各学校", "12月底前"],
    ]
    (node,) = table_to_nodes(table(rows), plan_year=2024)
    assert (node.extra["owners"].lead, node.extra["owners"].co) == (("安全办",), ("计财科", "各学校"))


def test_section_rows_nest_by_their_markers_and_groups_nest_by_column():
    rows = [
        ["序号", "板块", "类别", "重点任务", "牵头科室"],
        ["一、党建引领"] * 5,
        ["（一）思想政治建设"] * 5,
        ["1", "理论武装", "学习教育", "开展理论学习中心组学习", "组干科"],
        ["2", "理论武装", "宣传阵地", "加强意识形态阵地管理", "办公室"],
        ["（二）基层组织建设"] * 5,
        ["3", "", "", "推进党支部标准化建设", "机关党委"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [path for path, _title, _item in outline(nodes)] == [
        ("一",),
        ("一", "一"),
        ("一", "一", "理论武装"),
        ("一", "一", "理论武装", "学习教育"),
        ("一", "一", "理论武装", "学习教育", "1"),
        ("一", "一", "理论武装", "宣传阵地"),
        ("一", "一", "理论武装", "宣传阵地", "2"),
        ("一", "二"),
        ("一", "二", "3"),
    ]


def test_repeated_numbers_get_distinct_keys():
    rows = [
        HEADER,
        ["1", "开展春季学期开学检查", "督导室", "", "3月"],
        ["1", "开展秋季学期开学检查", "督导室", "", "9月"],
    ]
    nodes = table_to_nodes(table(rows), plan_year=2024)
    assert [(node.key, node.number) for node in nodes] == [("1", "1"), ("1-2", "1")]


def test_task_merged_over_rows_with_different_measures_becomes_a_section():
    rows = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["1", "推进集团化办学", "新组建2个教育集团", "基教科", "9月底前"],
        ["1", "推进集团化办学", "完善集团化办学考核办法", "督导室", "12月底前"],
        ["2", "加强校园安全", "开展消防安全演练", "安全办", "每季度"],
    ]
    nodes = table_to_nodes(table(rows, {(2, 0): True, (2, 1): True}), plan_year=2024)
    assert [(path, title, item) for path, title, item in outline(nodes)] == [
        (("1",), "推进集团化办学", False),
        (("1", "1"), "新组建2个教育集团", True),
        (("1", "2"), "完善集团化办学考核办法", True),
        (("2",), "加强校园安全", True),
    ]
    assert nodes[0].children[1].extra["owners"].lead == ("督导室",)


def test_task_merged_over_rows_with_different_units_is_one_item():
    rows = [
        HEADER,
        ["1", "开展近视防控专项行动", "德体卫艺科", "", "11月底前"],
        ["1", "开展近视防控专项行动", "各中小学", "", "12月底前"],
    ]
    (node,) = table_to_nodes(table(rows, {(2, 0): True, (2, 1): True}), plan_year=2024)
    assert node.extra["owners"].lead == ("德体卫艺科", "各中小学")
    assert node.extra["time"].deadline == datetime.date(2024, 12, 31)


def test_a_table_that_is_not_a_task_table_gives_nothing():
    assert table_to_nodes(table([["学校", "班级数"], ["湖里实验小学", "36"]]), plan_year=2024) == []


# --- Text pasted one cell per line -------------------------------------------------------


def lines(*texts: str) -> list[Paragraph]:
    return [Paragraph(text) for text in texts]


def test_cell_lines_after_a_header_run_form_a_table():
    paragraphs = lines(
        "附件：2024年重点工作任务分解表",
        *HEADER,
        "1",
        "推进课后服务提质增效",
        "基教科",
        "各小学",
        "6月底前",
        "2",
        "实施校园足球特色学校创建",
        "德体卫艺科",
        "各中小学",
        "11月底前",
        "以上任务请各责任单位按时完成，并于每月25日前报送进展情况。",
    )
    ((start, end, found),) = tables_from_cell_lines(paragraphs)
    assert (start, end) == (1, 16)
    assert found.rows[0] == HEADER
    assert found.rows[2] == ["2", "实施校园足球特色学校创建", "德体卫艺科", "各中小学", "11月底前"]
    nodes = table_to_nodes(found, plan_year=2024)
    assert [node.title for node in nodes] == ["推进课后服务提质增效", "实施校园足球特色学校创建"]


def test_cell_lines_fill_a_merged_group_cell_pasted_once_and_skip_a_repeated_header():
    header = ["类别", "序号", "工作任务", "责任科室"]
    paragraphs = lines(
        *header,
        "党的建设",
        "1",
        "开展党纪学习教育",
        "组干科",
        "2",
        "推进清廉学校建设",
        "机关党委",
        *header,
        "教育质量",
        "3",
        "实施初中强校工程",
        "基教科",
    )
    ((start, end, found),) = tables_from_cell_lines(paragraphs)
    assert (start, end) == (0, len(paragraphs))
    nodes = table_to_nodes(found, plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("党的建设",), "党的建设"),
        (("党的建设", "1"), "开展党纪学习教育"),
        (("党的建设", "2"), "推进清廉学校建设"),
        (("教育质量",), "教育质量"),
        (("教育质量", "3"), "实施初中强校工程"),
    ]


def test_cell_lines_stop_at_the_first_row_out_of_step():
    paragraphs = lines(
        "序号", "重点任务", "责任单位", "1", "推进教师交流轮岗", "人事科", "二、保障措施", "加强组织领导。"
    )
    ((_start, end, found),) = tables_from_cell_lines(paragraphs)
    assert end == 6
    assert len(found.rows) == 2


def test_short_runs_of_header_words_are_not_tables():
    assert tables_from_cell_lines(lines("序号", "任务", "今年的重点任务如下。")) == []


# --- Prose restated in a table -----------------------------------------------------------


def prose_outline() -> list[Node]:
    document = SourceDocument(
        [
            Paragraph("一、重点任务"),
            Paragraph("1.全力推进补短扩容项目建设。新建、改扩建学校6所。"),
            Paragraph("2.深化教育评价改革。完善学校发展性评价。"),
            Paragraph("3.加强学校体育工作（责任科室：德体卫艺科）。"),
            Paragraph("4.提升教育信息化水平。"),
        ],
        format="text",
    )
    return [node for _path, node in parse_outline(document, plan_year=2024).items()]


def test_merge_attaches_owners_and_deadlines_to_matching_outline_items():
    outline_items = prose_outline()
    outline_items[2].extra["owners"] = Owners(lead=("德体卫艺科",), co=(), text="（责任科室：德体卫艺科）")
    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "全力推进补短扩容项目建设", "计财科", "基教科、学前科", "①6月底前，完成3所学校主体；②8月底前，投入使用"],
        ["2", "深化教育评价改革工作", "督导室", "", "12月底前"],
        ["3", "加强学校体育工作", "基教科", "各中小学", "年内"],
        ["4", "开展教师全员培训", "教师进修学校", "", "11月底前"],
    ]
    unmatched = merge_into_outline(outline_items, table_to_nodes(table(rows), plan_year=2024))

    first, second, third, fourth = outline_items
    assert first.extra["owners"].lead == ("计财科",)
    assert first.extra["owners"].co == ("基教科", "学前科")
    assert first.extra["time"].deadline == datetime.date(2024, 8, 31)
    assert len(first.extra["milestones"]) == 2
    assert second.extra["owners"].lead == ("督导室",)  # 深化教育评价改革 is contained in the row's title
    assert third.extra["owners"].lead == ("德体卫艺科",)  # the annotation in the prose wins
    assert third.extra["owners"].co == ("各中小学",)
    assert "owners" not in fourth.extra
    assert [node.title for node in unmatched] == ["开展教师全员培训"]


def test_merge_matches_similar_titles_and_keeps_a_deadline_when_the_table_has_none():
    outline_items = [Node(None, "1", "1", "推进中小学心理健康教育", "推进中小学心理健康教育。")]
    outline_items[0].extra["time"] = "kept"
    rows = [["序号", "重点任务", "责任单位"], ["1", "推进中小学生心理健康教育", "德体卫艺科"]]
    assert merge_into_outline(outline_items, table_to_nodes(table(rows), plan_year=2024)) == []
    assert outline_items[0].extra["owners"].lead == ("德体卫艺科",)
    assert outline_items[0].extra["time"] == "kept"


def test_merge_does_not_match_short_or_unrelated_titles():
    outline_items = [Node(None, "1", "1", "党建", "党建"), Node(None, "2", "2", "推进集团化办学", "推进集团化办学")]
    rows = [["序号", "重点任务", "责任单位"], ["1", "加强党建引领作用发挥", "组干科"], ["2", "加强校园安全", "安全办"]]
    unmatched = merge_into_outline(outline_items, table_to_nodes(table(rows), plan_year=2024))
    assert len(unmatched) == 2
    assert all("owners" not in node.extra for node in outline_items)


# --- Real files --------------------------------------------------------------------------


def docx_bytes() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("湖里区教育局2024年重点工作任务分解表")
    rows = [
        ["序号", "类别", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "", "深化党建品牌创建", "组干科", "机关党委", "11月底前"],
        ["2", "", "加强干部队伍建设", "组干科", "人事科", "年内"],
        ["3", "", "推进义务教育优质均衡", "基教科", "计财科", "①6月底前，完成自评；②10月底前，迎接省级督导"],
        ["4", "", "扩大普惠性学前教育资源", "学前科", "", "8月底前"],
    ]
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    grid.cell(1, 1).merge(grid.cell(2, 1)).text = "一、党建引领"
    grid.cell(3, 1).merge(grid.cell(4, 1)).text = "二、优质均衡"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_table_with_merged_group_cells():
    from plans.importers.readers import read_document

    document = read_document("任务分解表.docx", docx_bytes())
    (found,) = document.tables
    nodes = table_to_nodes(found, plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("一",), "党建引领"),
        (("一", "1"), "深化党建品牌创建"),
        (("一", "2"), "加强干部队伍建设"),
        (("二",), "优质均衡"),
        (("二", "3"), "推进义务教育优质均衡"),
        (("二", "4"), "扩大普惠性学前教育资源"),
    ]
    third = nodes[1].children[0]
    assert third.extra["owners"].lead == ("基教科",)
    assert third.extra["time"].deadline == datetime.date(2024, 10, 31)
    assert len(third.extra["milestones"]) == 2


def xlsx_bytes() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "重点工作清单"
    sheet.append(["2024年湖里区教育局重点工作清单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["重点领域", "序号", "工作任务", "责任单位", "完成时限", "完成情况"])
    sheet.append(["(一)教育强区建设", 1, "推进教育强区创建", "办公室", "12月底前", "已启动"])
    sheet.append([None, 2, "完善教育经费保障机制", "计财科", "9月30日前", ""])
    sheet.append(["(二)教师队伍建设", 3, "实施名师名校长培养工程", "人事科、教师进修学校", "持续推进", ""])
    sheet.append([None, 4, "推进教师“县管校聘”改革", "人事科", "7月底前", ""])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("A5:A6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_sheet_with_merged_group_cells():
    from plans.importers.readers import read_document

    document = read_document("重点工作清单.xlsx", xlsx_bytes())
    (found,) = document.tables
    nodes = table_to_nodes(found, plan_year=2024)
    assert [(path, title) for path, title, _item in outline(nodes)] == [
        (("一",), "教育强区建设"),
        (("一", "1"), "推进教育强区创建"),
        (("一", "2"), "完善教育经费保障机制"),
        (("二",), "教师队伍建设"),
        (("二", "3"), "实施名师名校长培养工程"),
        (("二", "4"), "推进教师“县管校聘”改革"),
    ]
    second = nodes[0].children[1]
    assert second.extra["time"].deadline == datetime.date(2024, 9, 30)
    assert nodes[1].children[0].extra["owners"].lead == ("人事科", "教师进修学校")
    assert "已启动" not in nodes[0].children[0].text


def test_pasted_text_one_cell_per_line():
    from plans.importers.readers import read_text

    text = "\n".join(
        [
            "湖里区教育局2024年重点工作任务",
            "序号",
            "重点任务",
            "责任科室",
            "完成时间",
            "1",
            "推进学前教育普及普惠",
            "学前科",
            "秋季开学前",
            "2",
            "加强教育督导",
            "督导室",
            "12月底前",
        ]
    )
    document = read_text(text)
    ((start, end, found),) = tables_from_cell_lines(document.paragraphs)
    assert (start, end) == (1, 13)
    nodes = table_to_nodes(found, plan_year=2024)
    assert [(node.key, node.title, node.extra["owners"].lead) for node in nodes] == [
        ("1", "推进学前教育普及普惠", ("学前科",)),
        ("2", "加强教育督导", ("督导室",)),
    ]
    assert nodes[1].extra["time"].deadline == datetime.date(2024, 12, 31)
