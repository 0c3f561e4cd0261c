"""Time phrases → deadlines: every phrase a bureau plan writes, and the numbers that are not times."""

from __future__ import annotations

import datetime

import pytest

from plans.importers.phrases import TimePhrase, default_phrase, find_time_phrase, period_heading_phrase

D = datetime.date


def phrase(text: str, plan_year: int | None = 2024, **seasons) -> TimePhrase:
    found = find_time_phrase(text, plan_year=plan_year, **seasons)
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("text", "written", "deadline", "month_end"),
    [
        ("6月底前", "6月底前", D(2024, 6, 30), 6),
        ("6月底", "6月底", D(2024, 6, 30), 6),
        ("6月前", "6月前", D(2024, 6, 30), 6),
        ("6月份前", "6月份前", D(2024, 6, 30), 6),
        ("6月末", "6月末", D(2024, 6, 30), 6),
        ("6月下旬", "6月下旬", D(2024, 6, 30), 6),
        ("2月底前", "2月底前", D(2024, 2, 29), 2),
        ("11月底前", "11月底前", D(2024, 11, 30), 11),
        ("12月底前", "12月底前", D(2024, 12, 31), 12),
        ("十二月底前", "十二月底前", D(2024, 12, 31), 12),
        ("六月底前", "六月底前", D(2024, 6, 30), 6),
        ("2024年6月底前", "2024年6月底前", D(2024, 6, 30), 6),
        ("今年6月底前", "今年6月底前", D(2024, 6, 30), 6),
        ("次年3月", "次年3月", D(2025, 3, 31), 3),
        ("明年3月底前", "明年3月底前", D(2025, 3, 31), 3),
        ("9月份开展教师节表彰活动", "9月份", D(2024, 9, 30), 9),
        ("九月开学后组织检查", "九月", D(2024, 9, 30), 9),
    ],
)
def test_month_phrases_mean_the_end_of_the_month(text, written, deadline, month_end):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (written, deadline, month_end, "month_end")


@pytest.mark.parametrize(
    ("text", "written", "deadline"),
    [
        ("6月中旬", "6月中旬", D(2024, 6, 20)),
        ("6月中旬前", "6月中旬前", D(2024, 6, 20)),
        ("6月上旬", "6月上旬", D(2024, 6, 10)),
        ("3月初", "3月初", D(2024, 3, 10)),
        ("2024年9月30日前", "2024年9月30日前", D(2024, 9, 30)),
        ("9月30日前", "9月30日前", D(2024, 9, 30)),
        ("9月30日", "9月30日", D(2024, 9, 30)),
        ("9月30号前完成", "9月30号前", D(2024, 9, 30)),
        ("2月29日前", "2月29日前", D(2024, 2, 29)),
        ("二〇二四年十二月三十一日前", "二〇二四年十二月三十一日前", D(2024, 12, 31)),
        ("于2024.06.30前完成", "2024.06.30前", D(2024, 6, 30)),
        ("2024-6-30", "2024-6-30", D(2024, 6, 30)),
        ("2024/06/30", "2024/06/30", D(2024, 6, 30)),
    ],
)
def test_day_phrases_are_dates(text, written, deadline):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (written, deadline, None, "date")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("６月底前", "６月底前"),
        ("２０２４年６月３０日前", "２０２４年６月３０日前"),
        ("6 月 底 前完成", "6 月 底 前"),
        ("2024 年 6 月底前", "2024 年 6 月底前"),
        ("確保６月底前完成", "６月底前"),
    ],
)
def test_full_width_and_spaced_phrases_are_read_and_kept_as_written(text, written):
    found = phrase(text)
    assert found.text == written
    assert found.deadline == D(2024, 6, 30)


def test_explicit_year_wins_over_plan_year():
    assert phrase("2024年6月底前", plan_year=2023).deadline == D(2024, 6, 30)
    assert phrase("2024年9月30日前", plan_year=2023).deadline == D(2024, 9, 30)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("年内", "年内"),
        ("年内完成", "年内"),
        ("年底前", "年底前"),
        ("年底", "年底"),
        ("年末", "年末"),
        ("今年年底前", "今年年底前"),
        ("今年内", "今年内"),
        ("本年度内", "本年度内"),
        ("全年", "全年"),
        ("全年内", "全年内"),
        ("完成全年目标任务", "全年"),
    ],
)
def test_year_end_phrases(text, written):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (written, D(2024, 12, 31), 12, "year_end")


@pytest.mark.parametrize(
    ("text", "written", "deadline"),
    [
        ("确保各项目于2020年如期动工建设", "2020年", D(2020, 12, 31)),
        ("2020年底", "2020年底", D(2020, 12, 31)),
        ("力争于2025年前建成", "2025年前", D(2025, 12, 31)),
        ("力争到2025年建成", "2025年", D(2025, 12, 31)),
        ("去年底", "去年底", D(2023, 12, 31)),
        ("次年底前", "次年底前", D(2025, 12, 31)),
        ("(2019-2020年)", "2019-2020年", D(2020, 12, 31)),
    ],
)
def test_written_years_mean_the_end_of_that_year(text, written, deadline):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (written, deadline, 12, "year_end")


@pytest.mark.parametrize(
    ("text", "deadline", "month_end"),
    [
        ("上半年", D(2024, 6, 30), 6),
        ("2024年上半年", D(2024, 6, 30), 6),
        ("下半年", D(2024, 12, 31), 12),
        ("一季度", D(2024, 3, 31), 3),
        ("第一季度", D(2024, 3, 31), 3),
        ("1季度", D(2024, 3, 31), 3),
        ("第1季度", D(2024, 3, 31), 3),
        ("二季度", D(2024, 6, 30), 6),
        ("第二季度末", D(2024, 6, 30), 6),
        ("三季度", D(2024, 9, 30), 9),
        ("第三季度", D(2024, 9, 30), 9),
        ("四季度", D(2024, 12, 31), 12),
        ("第四季度前", D(2024, 12, 31), 12),
        ("2025年第一季度", D(2025, 3, 31), 3),
    ],
)
def test_halves_and_quarters_mean_the_end_of_their_last_month(text, deadline, month_end):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (text, deadline, month_end, "month_end")


@pytest.mark.parametrize(
    ("text", "written", "deadline", "month_end"),
    [
        ("春季", "春季", D(2024, 3, 1), None),
        ("春季学期", "春季学期", D(2024, 3, 1), None),
        ("春季开学前", "春季开学前", D(2024, 3, 1), None),
        ("秋季", "秋季", D(2024, 9, 1), None),
        ("确保5所校园于秋季如期开办", "秋季", D(2024, 9, 1), None),
        ("秋季学期", "秋季学期", D(2024, 9, 1), None),
        ("秋季开学前", "秋季开学前", D(2024, 9, 1), None),
        ("秋季学期开学前", "秋季学期开学前", D(2024, 9, 1), None),
        ("2025年秋季", "2025年秋季", D(2025, 9, 1), None),
        ("夏季", "夏季", D(2024, 6, 1), None),
        ("冬季", "冬季", D(2024, 12, 1), None),
        ("暑假", "暑假", D(2024, 8, 31), 8),
        ("暑期", "暑期", D(2024, 8, 31), 8),
        ("利用暑假完成校舍维修", "暑假", D(2024, 8, 31), 8),
        ("寒假", "寒假", D(2024, 2, 29), 2),
    ],
)
def test_seasons_and_holidays(text, written, deadline, month_end):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind) == (written, deadline, month_end, "season")


def test_winter_holiday_ends_with_february_in_a_common_year():
    assert phrase("寒假", plan_year=2023).deadline == D(2023, 2, 28)


@pytest.mark.parametrize(
    ("seasons", "text", "deadline"),
    [
        ({"autumn": (8, 28)}, "秋季开学前", D(2024, 8, 28)),
        ({"spring": (2, 20)}, "春季学期", D(2024, 2, 20)),
        ({"summer": (7, 1)}, "夏季", D(2024, 7, 1)),
        ({"winter": (11, 15)}, "冬季", D(2024, 11, 15)),
    ],
)
def test_season_dates_are_configurable(seasons, text, deadline):
    assert phrase(text, **seasons).deadline == deadline


@pytest.mark.parametrize(
    ("text", "cycle"),
    [
        ("每季度", "quarterly"),
        ("按季度", "quarterly"),
        ("每个季度", "quarterly"),
        ("每一季度", "quarterly"),
        ("每季通报一次", "quarterly"),
        ("每月", "monthly"),
        ("按月", "monthly"),
        ("每个月", "monthly"),
        ("逐月", "monthly"),
        ("月报", "monthly"),
        ("每旬", "ten_day"),
        ("按旬", "ten_day"),
        ("旬报", "ten_day"),
    ],
)
def test_recurring_phrases_run_to_the_plan_year_end(text, cycle):
    found = phrase(text)
    assert found.kind == "recurring"
    assert found.recurring_cycle == cycle
    assert found.deadline == D(2024, 12, 31)
    assert found.month_end == 12
    assert not found.ongoing


def test_recurring_phrase_keeps_the_phrase_as_written():
    assert phrase("推行工程旬报制，定期召开例会").text == "旬报"
    assert phrase("每季度通报一次").text == "每季度"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("持续推进", "持续推进"),
        ("持续推进“校中书院”课程建设", "持续推进"),
        ("持续开展", "持续开展"),
        ("长期", "长期"),
        ("长期坚持", "长期坚持"),
        ("常态化", "常态化"),
        ("常态化开展校园安全隐患排查", "常态化"),
        ("常抓不懈", "常抓不懈"),
        ("持續推進", "持續推進"),
        ("長期堅持", "長期堅持"),
    ],
)
def test_ongoing_phrases_have_no_deadline(text, written):
    found = phrase(text)
    assert (found.text, found.deadline, found.month_end, found.kind, found.ongoing) == (
        written,
        None,
        None,
        "ongoing",
        True,
    )


@pytest.mark.parametrize(
    ("text", "written", "month_end"),
    [
        ("1-2月份", "1-2月份", 2),
        ("3月-4月份", "3月-4月份", 4),
        ("5月—6月", "5月—6月", 6),
        ("11月至12月份", "11月至12月份", 12),
        ("3月底至6月底", "3月底至6月底", 6),
        ("7、8月份组织暑期培训", "7、8月份", 8),
        ("２０２４年３－４月", "２０２４年３－４月", 4),
    ],
)
def test_month_ranges_inside_a_sentence_end_with_their_last_month(text, written, month_end):
    found = phrase(text)
    assert (found.text, found.month_end, found.kind) == (written, month_end, "month_end")


@pytest.mark.parametrize(
    "text",
    [
        "第36届全国中小学生创新大赛",
        "3 人被清华大学录取",
        "全区共有在校生547人",
        "新增学位3000个",
        "建设12个功能室",
        "3个月内完成整改",
        "三年内实现全覆盖",
        "5年内新增学位",
        "半年内",
        "本学年内",
        "2023年度考核优秀",
        "全年级学生",
        "2020年起实施",
        "自2020年以来",
        "从XX年秋季学期开始实行划片招生",
        "自9月1日起施行",
        "6月后开始",
        "一年四季",
        "XX年全县中小学生社会实践活动",
        "开展38所乡镇初中评估",
        "做好春节前后的安全工作",
        "教育信息化2.0行动",
    ],
)
def test_numbers_that_are_not_times_give_nothing(text):
    assert find_time_phrase(text, plan_year=2024) is None


@pytest.mark.parametrize(
    ("text", "written", "deadline"),
    [
        ("3月底前完成方案制定，6月底前完成验收", "6月底前", D(2024, 6, 30)),
        ("①3月底前，完成摸底；②5月底前，完成招标；③9月底前，完成建设", "9月底前", D(2024, 9, 30)),
        ("6月底前完成方案；年底前全面完成", "年底前", D(2024, 12, 31)),
        ("3月启动，6月完成", "6月", D(2024, 6, 30)),
        ("3月份启动报名，秋季开学前完成招生", "秋季开学前", D(2024, 9, 1)),
        ("6月底前完成招标，9月开工建设", "6月底前", D(2024, 6, 30)),
        ("持续推进，年底前完成", "年底前", D(2024, 12, 31)),
        ("常态化开展，6月底前完成首轮检查", "6月底前", D(2024, 6, 30)),
        ("完成时限：2024年6月", "2024年6月", D(2024, 6, 30)),
        ("2019年启动建设，2024年9月30日前投入使用", "2024年9月30日前", D(2024, 9, 30)),
        ("11月至次年2月", "次年2月", D(2025, 2, 28)),
    ],
)
def test_several_phrases_keep_the_latest_deadline_like_one(text, written, deadline):
    found = phrase(text)
    assert (found.text, found.deadline) == (written, deadline)


def test_a_deadline_like_phrase_beats_a_later_plain_one():
    assert phrase("6月底前完成招标，9月开工建设").text == "6月底前"


def test_a_recurring_cycle_named_anywhere_is_kept_with_the_deadline():
    found = phrase("每月报送进度，9月底前完成")
    assert (found.text, found.kind, found.recurring_cycle) == ("9月底前", "month_end", "monthly")


def test_a_recurring_phrase_beats_an_ongoing_one():
    found = phrase("常态化开展，每季度通报一次")
    assert (found.kind, found.recurring_cycle, found.ongoing) == ("recurring", "quarterly", False)


def test_an_invalid_day_falls_back_to_its_month():
    found = phrase("2月30日前")
    assert (found.text, found.month_end) == ("2月", 2)


def test_start_words_after_a_deadline_do_not_hide_it():
    assert phrase("6月底前起草实施方案").text == "6月底前"


@pytest.mark.parametrize(
    ("text", "month_end", "kind"),
    [
        ("6月底前", 6, "month_end"),
        ("上半年", 6, "month_end"),
        ("三季度", 9, "month_end"),
        ("年内", 12, "year_end"),
        ("年底前", 12, "year_end"),
        ("1-2月份", 2, "month_end"),
        ("暑假", 8, "season"),
        ("每月", 12, "recurring"),
        ("次年3月", 3, "month_end"),
    ],
)
def test_unknown_plan_year_keeps_month_end_without_a_deadline(text, month_end, kind):
    found = phrase(text, plan_year=None)
    assert (found.deadline, found.month_end, found.kind) == (None, month_end, kind)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("2024年6月底前", D(2024, 6, 30)),
        ("2024年9月30日前", D(2024, 9, 30)),
        ("确保各项目于2020年如期动工建设", D(2020, 12, 31)),
    ],
)
def test_unknown_plan_year_still_resolves_a_written_year(text, deadline):
    assert phrase(text, plan_year=None).deadline == deadline


def test_unknown_plan_year_gives_no_date_for_day_or_season_phrases():
    assert phrase("9月30日前", plan_year=None).deadline is None
    assert phrase("秋季", plan_year=None).deadline is None


def test_no_phrase_gives_none():
    assert find_time_phrase("加强师德师风建设，深入学习贯彻新时代教师职业行为准则。", plan_year=2024) is None
    assert find_time_phrase("", plan_year=2024) is None


def test_phrase_inside_an_item_is_found():
    text = "11.全力推进补短扩容项目建设。确保新建学校2024年8月底前交付使用。(责任单位:区域教育中心建设专班)"
    found = phrase(text)
    assert (found.text, found.deadline) == ("2024年8月底前", D(2024, 8, 31))


@pytest.mark.parametrize(
    ("heading", "written", "month_end", "deadline"),
    [
        ("1-2月份", "1-2月份", 2, D(2024, 2, 29)),
        ("3月-4月份", "3月-4月份", 4, D(2024, 4, 30)),
        ("5月—6月", "5月—6月", 6, D(2024, 6, 30)),
        ("5月－6月", "5月－6月", 6, D(2024, 6, 30)),
        ("7～8月", "7～8月", 8, D(2024, 8, 31)),
        ("7、8月份", "7、8月份", 8, D(2024, 8, 31)),
        ("11月至12月份", "11月至12月份", 12, D(2024, 12, 31)),
        ("十一月至十二月", "十一月至十二月", 12, D(2024, 12, 31)),
        ("9月份", "9月份", 9, D(2024, 9, 30)),
        ("九月", "九月", 9, D(2024, 9, 30)),
        ("第一季度", "第一季度", 3, D(2024, 3, 31)),
        ("二季度", "二季度", 6, D(2024, 6, 30)),
        ("上半年", "上半年", 6, D(2024, 6, 30)),
        ("  1-2月份  ", "1-2月份", 2, D(2024, 2, 29)),
        ("一、1-2月份", "1-2月份", 2, D(2024, 2, 29)),
        ("（一）3-4月", "3-4月", 4, D(2024, 4, 30)),
        ("1-2月份工作安排", "1-2月份", 2, D(2024, 2, 29)),
        ("3月-4月份：", "3月-4月份", 4, D(2024, 4, 30)),
        ("2024年1-2月份", "2024年1-2月份", 2, D(2024, 2, 29)),
    ],
)
def test_period_headings_end_with_their_last_month(heading, written, month_end, deadline):
    found = period_heading_phrase(heading, plan_year=2024)
    assert found is not None
    assert (found.text, found.month_end, found.deadline, found.kind) == (written, month_end, deadline, "month_end")


def test_period_heading_without_plan_year_keeps_the_month():
    found = period_heading_phrase("1-2月份", plan_year=None)
    assert found is not None
    assert (found.deadline, found.month_end) == (None, 2)


@pytest.mark.parametrize(
    "heading",
    ["3月启动招生工作", "二、具体工作", "加强党的建设", "6月底前完成", "4-2月份", "1、3月份", "第36届", ""],
)
def test_other_headings_are_not_periods(heading):
    assert period_heading_phrase(heading, plan_year=2024) is None


def test_default_phrase_is_the_plan_year_end():
    assert default_phrase(2024) == TimePhrase("", D(2024, 12, 31), 12, "defaulted")


def test_default_phrase_without_plan_year_has_no_deadline():
    assert default_phrase(None) == TimePhrase("", None, 12, "defaulted")
