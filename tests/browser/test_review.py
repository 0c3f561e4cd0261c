"""The review list (督查台) in Debian's chromium: a supervisor filters to a school, reminds two of its rows,
saves the filter and opens it again from 常用筛选, at desktop and at phone size.

Screenshots go to test-artifacts/screenshots/review-<desktop|phone>.png for a person to look at.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from core import clock
from plans.models import Escalation, Reminder, SavedFilter
from plans.services.assignments import assignment_acknowledge
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.supervision import escalation_raise
from tests.factories import TEST_PASSWORD, AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.browser

NOW = datetime.datetime(2020, 9, 20, 10, 0)
PUBLISHED = datetime.datetime(2020, 7, 3, 9, 0)
SCHOOL = "厦门市湖里区实验小学"
OTHER = "厦门市湖里区金山小学"
DEPARTMENT = "基础教育科"

# (path, headline, deadline, [(unit key, what the unit did)]) — on 20 September 2020
TASKS = [
    ("一.1", "全力推进补短扩容项目建设", datetime.date(2020, 9, 10), [("school", "reported"), ("department", "new")]),
    ("一.2", "推进课后服务全覆盖", datetime.date(2020, 9, 25), [("school", "received")]),
    ("一.3", "开展校园安全隐患排查整治", datetime.date(2020, 12, 31), [("school", "received"), ("other", "reported")]),
    ("二.4", "组织学生体质健康监测", datetime.date(2020, 9, 15), [("other", "reported")]),
    ("二.5", "推进智慧校园示范校建设", datetime.date(2020, 12, 31), [("department", "received")]),
    ("二.6", "完善教师轮岗交流机制", datetime.date(2020, 12, 31), [("school", "reported")]),
]


@pytest.fixture
def site_clock():
    """Set the live server's time to 20 September 2020 (Asia/Shanghai); real time again afterwards."""
    clock.set_for_all_threads(NOW)
    try:
        yield
    finally:
        clock.set_for_all_threads(None)


@pytest.fixture
def review_plan(people, bureau):
    """Publish a plan in July whose tasks are red, yellow and green by September, built through the services."""
    units = {"school": bureau["school"], "other": bureau["other_school"], "department": bureau["department"]}
    staff = {
        "school": people["unit_staff"],
        "other": people["other_staff"],
        "department": UserFactory(username="t_dept_staff", role=Role.UNIT_STAFF, unit=bureau["department"]),
    }
    made = []
    with clock.frozen_at(PUBLISHED):
        plan = PlanFactory(title="湖里区教育局2020年工作要点", status="draft", published_at=None)
        parts = {
            "一": SectionFactory(plan=plan, number="一", path="一", title="抓均衡、补短板"),
            "二": SectionFactory(plan=plan, number="二", path="二", title="强队伍、提质量"),
        }
        for path, headline, deadline, holders in TASKS:
            task = TaskFactory(
                plan=plan, section=parts[path[0]], number=path[2:], path=path, headline=headline, deadline=deadline
            )
            for index, (unit, done) in enumerate(holders):
                role = "lead" if index == 0 else "co"
                made.append((AssignmentFactory(task=task, unit=units[unit], role=role), unit, done))
        plan_publish(actor=people["admin"], plan=plan)
    with clock.frozen_at(datetime.datetime(2020, 8, 20, 9, 0)):
        for assignment, unit, done in made:
            if done == "reported":
                report_submit(
                    actor=staff[unit],
                    assignment=assignment,
                    text="按计划推进。",
                    percent=40,
                    status="in_progress",
                    period_key="2020-08",
                )
            elif done == "received":
                assignment_acknowledge(actor=staff[unit], assignment=assignment)
    with clock.frozen_at(datetime.datetime(2020, 9, 1, 9, 0)):
        escalation_raise(actor=people["supervisor"], assignment=made[4][0], reason="请说明进度。")
    return plan


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


def expect_success(page: Page, text: str) -> None:
    """The page shows exactly one message, a success saying the text."""
    expect(page.locator(".messages li")).to_have_count(1)
    expect(page.locator(".messages li.success")).to_have_text(text)


def rows(page: Page):
    return page.locator("table.review-list tbody tr")


def filter_to_the_school(page: Page, school_pk: int) -> None:
    """Open the review list, check its default rows, and filter it to the school."""
    page.goto("/plans/review/")
    # red and yellow, red first: seven of the eight assignments (the school's 二.6 is green)
    expect(page.get_by_role("heading", level=1)).to_have_text("督查台（7）")
    expect(rows(page)).to_have_count(7)
    expect(rows(page).first.locator(".light")).to_contain_text("红灯")
    expect(rows(page).last.locator(".light")).to_contain_text("黄灯")
    assert_no_horizontal_overflow(page)
    page.get_by_label("承办单位", exact=True).select_option(label=SCHOOL)
    page.get_by_role("button", name="筛选").click()
    # its overdue task first, then the two with August's report missing (一.2 due first)
    expect(page.get_by_role("heading", level=1)).to_have_text("督查台（3）")
    expect(rows(page)).to_have_count(3)
    expect(rows(page).nth(0)).to_contain_text("一.1 全力推进补短扩容项目建设")
    expect(rows(page).nth(1)).to_contain_text("一.2 推进课后服务全覆盖")
    expect(rows(page).nth(2)).to_contain_text("一.3 开展校园安全隐患排查整治")
    expect(rows(page).nth(2)).to_contain_text("上期漏报")
    assert f"unit={school_pk}" in page.url


def test_supervisor_reminds_two_rows_of_a_school_from_the_review_list(
    transactional_db, live_server, page, site_clock, people, bureau, review_plan
):
    login(page, "t_supervisor")
    filter_to_the_school(page, bureau["school"].pk)

    page.get_by_label(f"选择{SCHOOL}的一.1").check()
    page.get_by_label(f"选择{SCHOOL}的一.3").check()
    page.get_by_label("催办内容").fill("请于9月25日前补报8月进展。")
    page.get_by_role("button", name="催办所选").click()

    expect_success(page, "已催办 2 个承办单位。")
    expect(page.get_by_label("承办单位", exact=True)).to_have_value(str(bureau["school"].pk))
    reminders = Reminder.objects.order_by("assignment__task__path")
    assert [(r.assignment.task.path, r.assignment.unit.name, r.message) for r in reminders] == [
        ("一.1", SCHOOL, "请于9月25日前补报8月进展。"),
        ("一.3", SCHOOL, "请于9月25日前补报8月进展。"),
    ]


def test_supervisor_escalates_two_rows_of_a_school_from_the_review_list(
    transactional_db, live_server, page, screenshot, site_clock, people, bureau, review_plan
):
    login(page, "t_supervisor")
    filter_to_the_school(page, bureau["school"].pk)

    page.get_by_label(f"选择{SCHOOL}的一.1").check()
    page.get_by_label(f"选择{SCHOOL}的一.3").check()
    page.get_by_text("对所选发督办单").click()
    page.get_by_label("督办事由").fill("逾期未完成，请书面说明原因和完成时间。")
    page.get_by_label("反馈时限").fill("2020-09-25")
    assert_no_horizontal_overflow(page)
    screenshot("review-bulk")
    page.get_by_role("button", name="发出督办单").click()

    expect_success(page, "已向 2 个承办单位发出督办单。")
    escalations = Escalation.objects.filter(reason__startswith="逾期未完成").order_by("assignment__task__path")
    assert [(e.assignment.task.path, e.assignment.unit.name, e.response_due) for e in escalations] == [
        ("一.1", SCHOOL, datetime.date(2020, 9, 25)),
        ("一.3", SCHOOL, datetime.date(2020, 9, 25)),
    ]
    expect(rows(page).filter(has_text="督办中")).to_have_count(2)


def test_supervisor_saves_a_filter_and_reopens_it_from_the_saved_filters(
    transactional_db, live_server, page, screenshot, site_clock, people, bureau, review_plan
):
    login(page, "t_supervisor")
    filter_to_the_school(page, bureau["school"].pk)
    assert_no_horizontal_overflow(page)
    screenshot("review")

    page.get_by_text("保存当前筛选").click()
    page.get_by_label("名称", exact=True).fill("实验小学红黄灯")
    page.get_by_role("button", name="保存", exact=True).click()
    expect_success(page, "已保存筛选“实验小学红黄灯”。")
    saved = SavedFilter.objects.get()
    assert (saved.owner, saved.query) == (
        people["supervisor"],
        f"unit={bureau['school'].pk}&light=red&light=yellow&sort=light",
    )

    page.get_by_role("link", name="清除条件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("督查台（7）")
    page.locator(".saved-filters").get_by_role("link", name="实验小学红黄灯").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("督查台（3）")
    expect(page.get_by_label("承办单位", exact=True)).to_have_value(str(bureau["school"].pk))
    assert_no_horizontal_overflow(page)
    screenshot("review-saved")
