"""The outline parser on hand-written documents of the shapes bureaus publish."""

from __future__ import annotations

from plans.importers.document import Paragraph, SourceDocument
from plans.importers.structure import parse_outline


def outline(text: str, **kwargs):
    document = SourceDocument([Paragraph(line.strip()) for line in text.strip().splitlines() if line.strip()], "text")
    return parse_outline(document, **kwargs)


def items(parsed) -> list[tuple[str, str]]:
    return [(".".join(path), node.title) for path, node in parsed.items()]


def sections(parsed) -> list[tuple[str, str]]:
    return [(".".join(path), node.title) for path, node in parsed.sections()]


FOUR_LEVELS = """
某区教育局2024年工作要点
一、全面加强党的建设
（一）强化政治引领
1.深入开展主题教育。组织全系统党员学习。
2.加强基层党组织建设。
（1）开展支部标准化建设。年内完成。
（2）实施“一校一品”党建品牌培育。
（二）从严管党治党
1．落实全面从严治党主体责任。
二、推动教育优质均衡
（一）扩大优质学位供给
1 、新建改扩建学校5所。
"""


def test_four_marker_families_nest_in_the_order_they_appear():
    parsed = outline(FOUR_LEVELS)

    assert sections(parsed) == [
        ("一", "全面加强党的建设"),
        ("一.一", "强化政治引领"),
        ("一.一.2", "加强基层党组织建设"),
        ("一.二", "从严管党治党"),
        ("二", "推动教育优质均衡"),
        ("二.一", "扩大优质学位供给"),
    ]
    assert items(parsed) == [
        ("一.一.1", "深入开展主题教育"),
        ("一.一.2.1", "开展支部标准化建设"),
        ("一.一.2.2", "实施“一校一品”党建品牌培育"),
        ("一.二.1", "落实全面从严治党主体责任"),
        ("二.一.1", "新建改扩建学校5所"),
    ]
    assert parsed.metadata.title == "某区教育局2024年工作要点"
    assert parsed.metadata.plan_year == 2024


def test_circled_numbers_are_a_level_of_their_own():
    parsed = outline("""
一、重点工作
1.推进课后服务。
①3月底前完成摸底。
②6月底前全面铺开。
2.加强作业管理。
""")
    assert items(parsed) == [("一.1.①", "3月底前完成摸底"), ("一.1.②", "6月底前全面铺开"), ("一.2", "加强作业管理")]


def test_numbers_inside_sentences_never_open_a_level():
    parsed = outline("""
一、主要成绩
1.高考再创佳绩。一段上线 547 人,较去年增加 27 人。
3 人被清华大学录取,第36届教师节表彰优秀教师 20 名。
2.中考平稳有序。
""")
    assert items(parsed) == [("一.1", "高考再创佳绩"), ("一.2", "中考平稳有序")]
    first = parsed.items()[0][1]
    assert "3 人被清华大学录取" in first.text  # the continuation line stays with its item


def test_skipped_numbers_are_tolerated_and_kept_as_written():
    parsed = outline("""
一、工作安排
1.第一项工作。
2.第二项工作。
4.第四项工作。
""")
    assert [path for path, _title in items(parsed)] == ["一.1", "一.2", "一.4"]


def test_bare_number_glued_to_text_needs_a_sibling_to_confirm_it():
    confirmed = outline("""
（一）队伍建设
1干部队伍建设大力加强。科学配备班子。
2.强化名优队伍建设。
""")
    assert items(confirmed) == [("一.1", "干部队伍建设大力加强"), ("一.2", "强化名优队伍建设")]

    lone = outline("""
（一）队伍建设
2020年，全区教师队伍持续优化。
""")
    assert items(lone) == [("一.1", "2020年，全区教师队伍持续优化")]


def test_inline_yi_shi_items_split_out_of_one_paragraph():
    parsed = outline("""
一、总体要求
（一）提升质量
一是中考高考争先进位。高考一段上线率提高。二是学前教育精准补短。新建幼儿园3所;三是义务教育均衡推进。
""")
    assert items(parsed) == [
        ("一.一.一是", "中考高考争先进位"),
        ("一.一.二是", "学前教育精准补短"),
        ("一.一.三是", "义务教育均衡推进"),
    ]


def test_a_lone_yi_shi_is_an_ordinary_word():
    parsed = outline("""
一、总体要求
1.坚持统一是前提。各校要统一认识。
""")
    assert items(parsed) == [("一.1", "坚持统一是前提")]


def test_unnumbered_paragraphs_under_a_heading_are_items_named_by_position():
    parsed = outline("""
前言：今年是关键之年，全局上下要齐心协力。
一、加强队伍建设
加强师德师风建设。深入开展师德教育。
优化教师队伍结构。科学配置教师资源。
二、改善办学条件
推进校舍改造。完成10所学校改造。
""")
    assert items(parsed) == [("一.1", "加强师德师风建设"), ("一.2", "优化教师队伍结构"), ("二.1", "推进校舍改造")]
    assert "今年是关键之年" in parsed.preamble


def test_month_period_headings_are_sections_named_by_their_text():
    parsed = outline("""
二、具体工作
1-2月份
1.组织寒假社会实践。
3月—4月份
1、开展春季开学检查。
2.组织教师培训。
""")
    assert sections(parsed) == [("二", "具体工作"), ("二.1-2月份", "1-2月份"), ("二.3月—4月份", "3月—4月份")]
    assert [path for path, _ in items(parsed)] == ["二.1-2月份.1", "二.3月—4月份.1", "二.3月—4月份.2"]


def test_structure_is_recovered_when_line_breaks_were_lost():
    body = (
        "某县教育局工作思路 一、2023 年工作回顾 2023 年,全县教育系统攻坚克难,成绩显著。 "
        "(一)抓质量、促均衡,教育质量稳步提升 一是高考成绩再创新高。一段上线 547 人,较去 年增加 27 人。"
        "二是学前教育普惠发展。新增公办园 3 所,新增学位 1200 个,普惠率达到 92%,群众满意度持续提升。 "
        "(二)抓项目、扩资源,办学条件持续改善 一是项目建设提速。开工建设学校 5 所,建成投用 3 所,新增学位 6000 个。"
        "二是智慧教育发力。建成智慧校园 20 所,教育信息化 2.0 行动全面推进,师生信息素养明显提升。 "
        "二、2024 年工作思路 2024 年,是全面落实规划的关键之年,我们将紧盯目标、狠抓落实,推动教育高质量发展。 "
        "(一)聚焦公平,在教育质量上争一流 一是做强学前教育。扩大普惠资源,新增学位 2000 个,推进保教质量评估。"
        "二是做优义务教育。深化集团化办学,实现城乡学校结对帮扶全覆盖,推进新优质学校培育。"
    )
    parsed = outline(body)

    assert sections(parsed) == [
        ("一", "2023 年工作回顾"),
        ("一.一", "抓质量、促均衡,教育质量稳步提升"),
        ("一.二", "抓项目、扩资源,办学条件持续改善"),
        ("二", "2024 年工作思路"),
        ("二.一", "聚焦公平,在教育质量上争一流"),
    ]
    assert [path for path, _ in items(parsed)] == [
        "一.一.一是",
        "一.一.二是",
        "一.二.一是",
        "一.二.二是",
        "二.一.一是",
        "二.一.二是",
    ]
    assert parsed.metadata.plan_year == 2024


def test_web_furniture_around_the_document_is_dropped():
    parsed = outline("""
网站首页
某区教育局2024年工作计划-某某范文网
某区教育局2024年工作计划
一、重点任务
1.推进课后服务全覆盖。
2.加强校园安全管理。
相关文章
链接地址:http://example.com/a/1.html 转载请保留,谢谢!
扫一扫在手机上查看当前页面
""")
    assert items(parsed) == [("一.1", "推进课后服务全覆盖"), ("一.2", "加强校园安全管理")]
    assert parsed.metadata.title == "某区教育局2024年工作计划"


def test_cover_letter_gives_the_metadata_and_the_title_is_the_plans_own():
    parsed = outline("""
某教〔2024〕15号
某区教育局
关于印发2024年工作要点的通知
各中小学、幼儿园，局机关各科室：
现将《某区教育局2024年工作要点》印发给你们，请认真贯彻落实。
某区教育局
2024年3月5日
某区教育局2024年工作要点
一、党的建设
1.加强政治建设。
""")
    meta = parsed.metadata
    assert (meta.title, meta.doc_number, meta.issuer, meta.issued_on.isoformat(), meta.plan_year) == (
        "某区教育局2024年工作要点",
        "某教〔2024〕15号",
        "某区教育局",
        "2024-03-05",
        2024,
    )
    assert meta.recipients == "各中小学、幼儿园，局机关各科室"


def test_placeholder_years_are_asked_for_and_an_explicit_year_wins():
    parsed = outline("""
202x年教育工作计划
一、重点工作
1.推进改革。
""")
    assert parsed.metadata.plan_year is None and parsed.metadata.year_placeholder == "202x年"
    assert outline("202x年教育工作计划\n一、重点工作\n1.推进改革。", plan_year=2025).metadata.plan_year == 2025


def test_traditional_characters_and_full_width_digits_are_read():
    parsed = outline("""
某區教育局2024年工作要點
一、加強黨的建設
（一）強化政治引領
１．深入開展主題教育。
２．加強基層黨組織建設。
""")
    assert items(parsed) == [("一.一.1", "深入開展主題教育"), ("一.一.2", "加強基層黨組織建設")]
    assert parsed.metadata.plan_year == 2024


def test_a_document_without_numbering_offers_each_paragraph_as_an_item():
    parsed = outline("""
加强师德师风建设，开展师德主题教育活动。
推进集团化办学，扩大优质教育资源覆盖面。
""")
    assert not parsed.structured
    assert items(parsed) == [
        ("1", "加强师德师风建设，开展师德主题教育活动"),
        ("2", "推进集团化办学，扩大优质教育资源覆盖面"),
    ]
    assert any("没有识别出编号结构" in warning for warning in parsed.warnings)


def test_duplicate_numbers_are_made_unique_with_a_warning():
    parsed = outline("""
一、工作
1.甲项工作。
1.乙项工作。
""")
    assert [path for path, _ in items(parsed)] == ["一.1", "一.1-2"]
    assert any("编号重复" in warning for warning in parsed.warnings)
