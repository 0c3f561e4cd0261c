"""The assessment pages (考核) in Debian's chromium: the ranking, a unit's explanation, an objection and its answer.

Each journey runs at desktop and phone size and saves full-page screenshots into
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from assessment.models import Objection
from core import clock
from tests.assessment.world import World
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

D = datetime.datetime
SITE_NOW = D(2020, 9, 1, 10, 0)


def login(page: Page, username: str) -> None:
    """Sign in through the Chinese login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def assert_no_horizontal_overflow(page: Page) -> None:
    """The page must not scroll sideways: nothing is wider than the viewport."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"


@pytest.fixture
def second_quarter(transactional_db, people, bureau):
    """Q2 2020 for two schools, then the site's clock at 1 September 2020 (real time again afterwards).

    实验小学 reports April on time, May late and June never; its school-building task is completed
    four days late. 金山小学 reports every month on time but is escalated once and answers two days later.
    """
    world = World(people)
    service, building, football = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31), "headline": "推进课后服务全覆盖"},
            {
                "unit": bureau["school"],
                "deadline": datetime.date(2020, 5, 31),
                "headline": "完成校舍维修改造",
                "cycle": "quarterly",
            },
            {"unit": bureau["other_school"], "deadline": datetime.date(2020, 12, 31), "headline": "开展校园足球联赛"},
        ],
    )
    world.report(service, "2020-04", D(2020, 4, 20, 9, 0))
    world.report(service, "2020-05", D(2020, 5, 28, 9, 0))
    world.complete(building, D(2020, 6, 1, 9, 0), D(2020, 6, 4, 15, 0))
    for month in (4, 5, 6):
        world.report(football, f"2020-{month:02d}", D(2020, month, 20, 9, 0), author=people["other_staff"])
    world.escalate(football, D(2020, 5, 10, 10, 0), D(2020, 5, 12, 10, 0), author=people["other_staff"])
    clock.set_for_all_threads(SITE_NOW)
    try:
        yield
    finally:
        clock.set_for_all_threads(None)


def test_a_supervisor_reads_the_ranking_and_a_schools_explanation(
    page, screenshot, viewport_name, people, second_quarter
):
    login(page, people["supervisor"].username)
    page.goto("/assessment/")
    page.get_by_label("考核期间", exact=True).select_option("2020-Q2")
    page.get_by_role("button", name="查看").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("单位考核排名")
    rows = page.locator("table.ranking tbody tr")
    expect(rows).to_have_count(2)
    # 金山小学: 100 − 10 × 1/5 − 10 × 2/10 = 96.00; 实验小学: reports 1 − 1.5/3 → 15.00, completion 30.00,
    # overdue 4 days → 1.33: 53.67
    expect(rows.nth(0).locator("td.unit")).to_have_text("厦门市湖里区金山小学")
    expect(rows.nth(0).locator("td.score")).to_have_text("96.00")
    expect(rows.nth(1).locator("td.score")).to_have_text("53.67")
    assert_no_horizontal_overflow(page)
    screenshot("assessment-ranking")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == "单位考核排名-2020-Q2.xlsx"

    page.get_by_role("link", name="厦门市湖里区实验小学").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("厦门市湖里区实验小学 · 考核得分")
    expect(page.locator("table.components tfoot td.total")).to_have_text("53.67")
    expect(page.locator("#missing-reports + .table-wrap tbody tr")).to_have_count(1)
    expect(page.locator("#late-reports + .table-wrap tbody tr")).to_contain_text("推进课后服务全覆盖")
    assert_no_horizontal_overflow(page)
    screenshot("assessment-unit")

    page.locator("#overdue + .table-wrap").get_by_role("link", name="完成校舍维修改造").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("完成校舍维修改造")


def test_a_school_objects_to_its_score_and_a_supervisor_answers(
    page, screenshot, viewport_name, people, second_quarter
):
    login(page, people["unit_staff"].username)
    page.goto("/assessment/mine/?period=2020-Q2")
    expect(page.get_by_role("heading", level=1)).to_have_text("厦门市湖里区实验小学 · 考核得分")
    page.get_by_label("异议内容").fill("6月进展已于6月24日通过纸质材料报送，请核实。")
    page.get_by_role("button", name="提交异议").click()

    expect(page.locator(".messages li.success")).to_have_text("异议已提交，督查室答复后会通知本单位。")
    expect(page.locator(".notice.objection")).to_contain_text("待答复")
    assert_no_horizontal_overflow(page)
    screenshot("assessment-objection-filed")

    page.context.clear_cookies()
    login(page, people["supervisor"].username)
    page.goto("/assessment/objections/")
    objection = Objection.objects.get()
    expect(page.locator(f"#objection-{objection.pk}")).to_contain_text("6月进展已于6月24日通过纸质材料报送")
    assert_no_horizontal_overflow(page)
    screenshot("assessment-objections-waiting")
    page.locator(f"#objection-{objection.pk}").get_by_label("答复").fill("经核实，6月未在系统中报送，维持原分。")
    page.get_by_role("button", name="答复并通知单位").click()

    expect(page.locator(".messages li.success")).to_have_text("已答复 厦门市湖里区实验小学 的异议，并通知该单位。")
    expect(page.locator("#answered + .table-wrap tbody tr")).to_contain_text("维持原分")
    assert_no_horizontal_overflow(page)
    screenshot("assessment-objections")
