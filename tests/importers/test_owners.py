"""Owner annotations: bracketed labels, labelled lines, prose, persons, Traditional text, and lookalikes."""

from __future__ import annotations

import pytest

from plans.importers.owners import Owners, extract_owners, split_unit_names


def owners_of(text: str) -> Owners:
    found, _rest = extract_owners(text)
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("text", "lead", "co", "annotation", "rest"),
    [
        (
            "11.全力推进补短扩容项目建设。(责任单位:区域教育中心建设专班)",
            ("区域教育中心建设专班",),
            (),
            "(责任单位:区域教育中心建设专班)",
            "11.全力推进补短扩容项目建设。",
        ),
        (
            "加强干部队伍建设（责任科室：组干科、机关党委）",
            ("组干科", "机关党委"),
            (),
            "（责任科室：组干科、机关党委）",
            "加强干部队伍建设",
        ),
        (
            "深化课程改革(牵头单位:基教科;配合单位:计财科、人事科)",
            ("基教科",),
            ("计财科", "人事科"),
            "(牵头单位:基教科;配合单位:计财科、人事科)",
            "深化课程改革",
        ),
        (
            "深化课程改革（牵头单位：基教科；配合单位：计财科、人事科）",
            ("基教科",),
            ("计财科", "人事科"),
            "（牵头单位：基教科；配合单位：计财科、人事科）",
            "深化课程改革",
        ),
        ("推进智慧校园建设(负责科室:电教馆)", ("电教馆",), (), "(负责科室:电教馆)", "推进智慧校园建设"),
        ("推进智慧校园建设(牵头科室:电教馆)", ("电教馆",), (), "(牵头科室:电教馆)", "推进智慧校园建设"),
        ("举办校园艺术节(主办:体卫艺科)", ("体卫艺科",), (), "(主办:体卫艺科)", "举办校园艺术节"),
        (
            "举办校园艺术节(主办单位:体卫艺科;协办单位:团委、少工委)",
            ("体卫艺科",),
            ("团委", "少工委"),
            "(主办单位:体卫艺科;协办单位:团委、少工委)",
            "举办校园艺术节",
        ),
        (
            "开展教师培训(责任单位:进修学校;配合科室:人事科)",
            ("进修学校",),
            ("人事科",),
            "(责任单位:进修学校;配合科室:人事科)",
            "开展教师培训",
        ),
        (
            "开展教师培训（责任单位 ： 进修学校 ； 配合科室 ： 人事科）",
            ("进修学校",),
            ("人事科",),
            "（责任单位 ： 进修学校 ； 配合科室 ： 人事科）",
            "开展教师培训",
        ),
        (
            "开展教师培训(牵头单位:进修学校 配合单位:人事科)",
            ("进修学校",),
            ("人事科",),
            "(牵头单位:进修学校 配合单位:人事科)",
            "开展教师培训",
        ),
    ],
)
def test_bracketed_labels(text, lead, co, annotation, rest):
    found, cleaned = extract_owners(text)
    assert found == Owners(lead, co, (), annotation)
    assert cleaned == rest


@pytest.mark.parametrize(
    ("text", "annotation"),
    [
        ("做好迎检工作[牵头单位:办公室;责任单位:各学校]", "[牵头单位:办公室;责任单位:各学校]"),
        ("做好迎检工作【牵头单位：办公室；责任单位：各学校】", "【牵头单位：办公室；责任单位：各学校】"),
        ("做好迎检工作〖牵头单位：办公室；责任单位：各学校〗", "〖牵头单位：办公室；责任单位：各学校〗"),
    ],
)
def test_square_brackets_and_responsible_units_beside_a_lead_are_co_units(text, annotation):
    found, cleaned = extract_owners(text)
    assert found == Owners(("办公室",), ("各学校",), (), annotation)
    assert cleaned == "做好迎检工作"


def test_responsible_units_without_a_lead_label_are_the_lead():
    assert owners_of("[责任单位:各学校;配合单位:安全办]").lead == ("各学校",)


@pytest.mark.parametrize(
    ("text", "lead", "co", "annotation", "rest"),
    [
        (
            "做好迎检工作,办公室牵头,各科室配合。",
            ("办公室",),
            ("各科室",),
            "办公室牵头,各科室配合",
            "做好迎检工作。",
        ),
        (
            "做好迎检工作，由基教科牵头，学前科、计财科配合。",
            ("基教科",),
            ("学前科", "计财科"),
            "由基教科牵头，学前科、计财科配合",
            "做好迎检工作。",
        ),
        ("由基教科牵头，学前科、计财科配合", ("基教科",), ("学前科", "计财科"), "由基教科牵头，学前科、计财科配合", ""),
        (
            "办公室牵头，各科室配合，做好迎检工作。",
            ("办公室",),
            ("各科室",),
            "办公室牵头，各科室配合",
            "做好迎检工作。",
        ),
        ("做好迎检工作，由办公室负责牵头。", ("办公室",), (), "由办公室负责牵头", "做好迎检工作。"),
        (
            "做好迎检工作，由办公室牵头、各科室配合。",
            ("办公室",),
            ("各科室",),
            "由办公室牵头、各科室配合",
            "做好迎检工作。",
        ),
        (
            "做好迎检工作（办公室牵头，各科室协助）",
            ("办公室",),
            ("各科室",),
            "（办公室牵头，各科室协助）",
            "做好迎检工作",
        ),
    ],
)
def test_prose_owners(text, lead, co, annotation, rest):
    found, cleaned = extract_owners(text)
    assert found == Owners(lead, co, (), annotation)
    assert cleaned == rest


@pytest.mark.parametrize(
    ("text", "leaders", "annotation"),
    [
        ("完成课题研究，由王强同志牵头。", ("王强",), "由王强同志牵头"),
        ("完成课题研究，由分管副局长牵头。", ("分管副局长",), "由分管副局长牵头"),
        ("完成课题研究，陈晓明牵头。", ("陈晓明",), "陈晓明牵头"),
    ],
)
def test_a_person_named_as_lead_is_a_leader(text, leaders, annotation):
    found = owners_of(text)
    assert (found.lead, found.leaders, found.text) == ((), leaders, annotation)


@pytest.mark.parametrize(
    ("text", "lead", "co", "leaders"),
    [
        ("加强校园安全管理。牵头领导:张三", (), (), ("张三",)),
        ("加强校园安全管理。分管领导：李四", (), (), ("李四",)),
        ("加强校园安全管理。责任领导：李四、王五", (), (), ("李四", "王五")),
        ("加强校园安全管理。分管领导：李四；责任科室：安全办", ("安全办",), (), ("李四",)),
        ("加强校园安全管理(分管领导:李四;牵头科室:安全办;配合科室:基建办)", ("安全办",), ("基建办",), ("李四",)),
    ],
)
def test_leaders(text, lead, co, leaders):
    found = owners_of(text)
    assert (found.lead, found.co, found.leaders) == (lead, co, leaders)


@pytest.mark.parametrize(
    ("text", "lead", "co", "rest"),
    [
        ("推进学校建设。\n责任单位：基建办、计财科", ("基建办", "计财科"), (), "推进学校建设。"),
        ("推进学校建设。\n责任单位：基建办、计财科\n", ("基建办", "计财科"), (), "推进学校建设。"),
        ("推进学校建设。\n  牵头单位:基建办\n配合单位:计财科", ("基建办",), ("计财科",), "推进学校建设。"),
        ("推进学校建设。责任单位：基建办", ("基建办",), (), "推进学校建设。"),
        ("责任单位：基建办", ("基建办",), (), ""),
        ("推进学校建设。\n责任单位：基建办  完成时限：2024年6月底前", ("基建办",), (), "推进学校建设。"),
    ],
)
def test_labelled_lines_without_brackets(text, lead, co, rest):
    found, cleaned = extract_owners(text)
    assert found is not None
    assert (found.lead, found.co) == (lead, co)
    assert cleaned == rest


def test_labelled_line_annotation_is_the_line_as_written():
    assert owners_of("推进学校建设。\n责任单位：基建办、计财科").text == "责任单位：基建办、计财科"


def test_a_time_limit_inside_the_annotation_stays_in_its_text():
    found, cleaned = extract_owners("完成建设（责任单位：基建办 完成时限：2024年6月底前）")
    assert found == Owners(("基建办",), (), (), "（责任单位：基建办 完成时限：2024年6月底前）")
    assert cleaned == "完成建设"


@pytest.mark.parametrize(
    ("text", "lead", "co", "annotation"),
    [
        ("加強黨建（責任單位：組幹科、機關黨委）", ("組幹科", "機關黨委"), (), "（責任單位：組幹科、機關黨委）"),
        (
            "深化課程改革(牽頭單位:基教科;配合單位:計財科)",
            ("基教科",),
            ("計財科",),
            "(牽頭單位:基教科;配合單位:計財科)",
        ),
        ("做好迎檢工作，由辦公室牽頭，各科室配合。", ("辦公室",), ("各科室",), "由辦公室牽頭，各科室配合"),
    ],
)
def test_traditional_text_is_matched_but_names_stay_as_written(text, lead, co, annotation):
    assert owners_of(text) == Owners(lead, co, (), annotation)


@pytest.mark.parametrize(
    "text",
    [
        "开展优秀教师评选表彰(2019-2020年)活动",
        "组织开展优质课(录像)竞赛",
        "开展主题班(团、队)会",
        "校歌创作及演唱(视频)评比",
        "实施《办法》(试行)",
        "各校要积极配合",
        "由区教育局牵头制定实施方案",
        "责任单位要切实履行主体责任",
        "明确责任单位和完成时限",
        "校长亲自牵头，全员参与",
        "加强师德师风建设。深入学习了新时代教师职业行为准则。",
        "",
    ],
)
def test_ordinary_text_has_no_owners(text):
    found, cleaned = extract_owners(text)
    assert found is None
    assert cleaned == text.strip()


def test_several_annotations_are_merged():
    found, cleaned = extract_owners("推进课改(牵头单位:基教科)(配合单位:计财科)")
    assert found == Owners(("基教科",), ("计财科",), (), "(牵头单位:基教科)(配合单位:计财科)")
    assert cleaned == "推进课改"


def test_annotation_in_the_middle_leaves_the_sentence_whole():
    found, cleaned = extract_owners("推进课改(牵头单位:基教科)，确保秋季开学前完成")
    assert found is not None
    assert cleaned == "推进课改，确保秋季开学前完成"


def test_same_name_twice_is_kept_once():
    assert owners_of("(牵头单位:基教科、基教科)").lead == ("基教科",)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("组干科、机关党委", ("组干科", "机关党委")),
        ("办公室,人事科;计财科", ("办公室", "人事科", "计财科")),
        ("办公室，人事科；计财科", ("办公室", "人事科", "计财科")),
        ("办公室/人事科", ("办公室", "人事科")),
        ("办公室\n人事科", ("办公室", "人事科")),
        ("各中小学校及幼儿园", ("各中小学校", "幼儿园")),
        ("基教科和学前科", ("基教科", "学前科")),
        ("基教科与学前科", ("基教科", "学前科")),
        ("基教科以及学前科", ("基教科", "学前科")),
        ("基教科、学前科和计财科", ("基教科", "学前科", "计财科")),
        ("组干科、机关党委等", ("组干科", "机关党委")),
        ("基教科等相关科室", ("基教科", "相关科室")),
        ("体育卫生与艺术教育科", ("体育卫生与艺术教育科",)),
        ("区教育和体育局", ("区教育和体育局",)),
        ("安全与后勤管理科", ("安全与后勤管理科",)),
        ("湖里实验小学（集团、分校）、基教科", ("湖里实验小学（集团、分校）", "基教科")),
        (" 组干科 、 机关党委 ", ("组干科", "机关党委")),
        ("组干科、、机关党委", ("组干科", "机关党委")),
        ("組幹科、機關黨委", ("組幹科", "機關黨委")),
        ("", ()),
    ],
)
def test_split_unit_names(text, names):
    assert split_unit_names(text) == names
