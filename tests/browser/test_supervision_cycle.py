"""The whole supervision cycle (立项 → 交办 → 办理 → 催办 → 督办 → 办结) in Debian's chromium.

The admin publishes a plan; the school's staff member, on a phone, acknowledges the task, reports
with a photo, reports "no change" the next month, answers an escalation and asks to close; a
supervisor, on a desktop, reminds, escalates, returns the first request and approves the second.
Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from core import clock
from plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    CompletionDecision,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
    Task,
)
from plans.services.assignments import assignment_acknowledge
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.requests import completion_decide, completion_request_submit
from tests.browser.conftest import SCREENSHOT_DIR, VIEWPORTS
from tests.factories import TEST_PASSWORD, AssignmentFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.browser

SCHOOL = "厦门市湖里区实验小学"
TASK = "5 推进课后服务全覆盖"


class SiteClock:
    """The site's time as the live server's thread sees it (`core.clock.set_for_all_threads`)."""

    def move_to(self, *parts: int) -> None:
        """Set the site's time to a moment in Asia/Shanghai: move_to(2020, 8, 20, 9, 30)."""
        clock.set_for_all_threads(datetime.datetime(*parts))


@pytest.fixture
def site_clock():
    """Return the site's clock, set by the test and read by the live server; real time again afterwards."""
    try:
        yield SiteClock()
    finally:
        clock.set_for_all_threads(None)


@pytest.fixture
def open_page(browser, live_server) -> Callable[[str], Page]:
    """Return a function opening a page in a fresh context (its own cookies) at 'desktop' or 'phone' size."""
    contexts = []

    def open_(size: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[size])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>-<desktop|phone>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    size = "phone" if page.viewport_size["width"] < 600 else "desktop"
    path = SCREENSHOT_DIR / f"{name}-{size}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


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


def small_png(path: Path) -> Path:
    """Write a real 16x16 PNG (a green square) to the path: the kind of photo a phone attaches."""
    width = height = 16
    rows = b"".join(b"\x00" + b"\x2e\x9e\x4f" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    )
    return path


def workbench_card(page: Page):
    """Return the task's card on the unit's workbench (我的任务)."""
    return page.locator("li.task-card").filter(has_text=TASK)


def at(*parts: int) -> datetime.datetime:
    """Return an aware moment in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime(*parts))


def draft_plan_led_by(bureau) -> tuple[Plan, Task, Assignment, Assignment]:
    """Make a draft plan (before July 2020) whose task the school leads and the other school helps with."""
    plan = PlanFactory(title="湖里区教育局2020年工作要点", status=PlanStatus.DRAFT, published_at=None)
    task = TaskFactory(plan=plan, number="5", path="5", headline="推进课后服务全覆盖")
    made = at(2020, 7, 1, 16, 0)
    lead = AssignmentFactory(task=task, unit=bureau["school"], role=AssignmentRole.LEAD, created_at=made)
    co = AssignmentFactory(task=task, unit=bureau["other_school"], role=AssignmentRole.CO, created_at=made)
    return plan, task, lead, co


def test_school_and_supervisor_take_a_task_from_publication_to_completion(
    transactional_db, live_server, open_page, site_clock, people, bureau, tmp_path
):
    # 立项: a draft plan made before July; the school leads the task, another school helps.
    plan, task, lead, co = draft_plan_led_by(bureau)

    # 交办: the admin publishes the plan from its page.
    site_clock.move_to(2020, 7, 2, 9, 0)
    admin = open_page("desktop")
    login(admin, "t_admin")
    admin.goto(f"/plans/{plan.pk}/")
    expect(admin.get_by_text("计划目前是草稿，承办单位还看不到。核对无误后发布（交办）。")).to_be_visible()
    admin.get_by_role("button", name="发布计划").click()
    expect_success(admin, "计划已发布，各承办单位可以看到自己的任务了。")
    expect(admin.get_by_role("button", name="发布计划")).to_have_count(0)
    expect(admin.locator("main p.muted").first).to_contain_text("已发布")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.published_at == at(2020, 7, 2, 9, 0)

    # The school's staff member opens 我的任务 on a phone and acknowledges (签收) the task.
    site_clock.move_to(2020, 7, 3, 8, 30)
    school = open_page("phone")
    login(school, "t_staff")
    expect(school.get_by_role("heading", level=1)).to_have_text("我的任务")
    expect(school.get_by_text(f"{SCHOOL} · 今天是2020年7月3日")).to_be_visible()
    card = workbench_card(school)
    expect(card).to_have_count(1)
    expect(card.locator(".light")).to_have_text("○灰灯待签收")
    expect(card).to_contain_text("待签收")
    expect(card).to_contain_text("尚未填报")
    expect(card.get_by_role("button", name="签收")).to_be_visible()
    assert_no_horizontal_overflow(school)
    screenshot(school, "cycle-workbench")
    card.get_by_role("button", name="签收").click()
    expect_success(school, f"已签收：{TASK}")
    expect(card).to_contain_text("办理中")
    expect(card.get_by_role("button", name="签收")).to_have_count(0)
    # Nothing reported yet, so there is nothing to repeat.
    expect(card.get_by_role("button", name="较上期无变化")).to_have_count(0)

    # 办理: in August the school reports with a photo through the report form.
    site_clock.move_to(2020, 8, 20, 10, 0)
    school.goto("/")
    card.get_by_role("link", name="填报进展").click()
    expect(school.get_by_role("heading", level=1)).to_have_text("填报进展")
    expect(school.get_by_label("报送期次")).to_have_value("2020-08")
    expect(school.get_by_label("推进中")).to_be_checked()
    school.get_by_label("完成进度（%）").fill("40")
    school.get_by_label("本期进展").fill("已制定课后服务实施方案，8月底前完成教师排班。")
    photo = small_png(tmp_path / "课后服务排班表.png")
    school.get_by_label("佐证材料").set_input_files(str(photo))
    assert_no_horizontal_overflow(school)
    screenshot(school, "cycle-report-form")
    school.get_by_role("button", name="提交").click()
    expect_success(school, "已报送2020年8月进展。")
    expect(card).to_contain_text("进度 40%")
    expect(card).to_contain_text("最近填报：2020年8月20日")
    expect(card.locator(".light")).to_have_text("●绿灯正常推进")

    # The next month nothing has changed: one tap files "较上期无变化" for September.
    site_clock.move_to(2020, 9, 20, 9, 0)
    school.goto("/")
    card.get_by_role("button", name="较上期无变化").click()
    expect_success(school, "已报送“较上期无变化”：5")
    expect(card).to_contain_text("最近填报：2020年9月20日")
    expect(card.get_by_role("button", name="较上期无变化")).to_have_count(0)

    # 催办 and 督办: the supervisor picks the school on the task page and reminds it, then escalates.
    site_clock.move_to(2020, 9, 21, 10, 0)
    supervisor = open_page("desktop")
    login(supervisor, "t_supervisor")
    supervisor.goto(f"/plans/tasks/{task.pk}/")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(TASK)
    supervisor.get_by_label(f"选择{SCHOOL}").check()
    supervisor.get_by_label("催办内容").fill("请于9月底前报送课后服务覆盖率数据。")
    supervisor.get_by_role("button", name="催办所选单位").click()
    expect_success(supervisor, "已催办 1 个单位。")

    site_clock.move_to(2020, 9, 21, 10, 5)
    supervisor.get_by_text("发督办单", exact=True).click()
    supervisor.get_by_label("督办单位").select_option(label=f"{SCHOOL}（牵头）")
    supervisor.get_by_label("督办事由").fill("课后服务覆盖率连续两期没有进展，请书面说明原因和措施。")
    supervisor.get_by_role("button", name="发出督办单").click()
    expect_success(supervisor, f"已向{SCHOOL}发出督办单。")
    expect(supervisor.locator("h1 + p .light")).to_have_text("■红灯督办待反馈")
    lead_row = supervisor.locator(f"#assignment-{lead.pk}")
    expect(lead_row.locator(".light")).to_have_text("■红灯督办待反馈")

    # The school sees the escalation on its workbench, answers it and asks to close (申请办结).
    site_clock.move_to(2020, 9, 22, 8, 0)
    school.goto("/")
    expect(school).to_have_title(re.compile(r"^我的任务（\d+）"))
    notice = school.locator(".notice.red")
    expect(notice.get_by_role("heading")).to_have_text(f"督办单待反馈：{TASK}")
    expect(notice).to_contain_text("课后服务覆盖率连续两期没有进展，请书面说明原因和措施。")
    expect(notice).to_contain_text("请于2020年9月24日前书面反馈 · 剩余2天")
    expect(card.locator(".light")).to_have_text("■红灯督办待反馈")
    assert_no_horizontal_overflow(school)
    screenshot(school, "cycle-escalation-notice")
    notice.get_by_role("link", name="去反馈").click()
    escalation = Escalation.objects.get()
    answer = school.locator(f"#escalation-{escalation.pk}")
    expect(answer.get_by_role("heading")).to_have_text("督办单")
    expect(answer).to_contain_text("请于2020年9月24日前书面反馈")
    answer.get_by_label("书面反馈").fill("9月已开课后服务的班级占92%，余下3个班级10月8日开班。")
    assert_no_horizontal_overflow(school)
    screenshot(school, "cycle-escalation")
    answer.get_by_role("button", name="提交反馈").click()
    expect_success(school, "已提交督办反馈。")
    expect(answer).to_contain_text("已反馈（2020年9月22日）：9月已开课后服务的班级占92%，余下3个班级10月8日开班。")

    def ask_to_close(summary: str) -> None:
        school.locator("#actions summary").get_by_text("申请办结", exact=True).click()
        school.get_by_label("办结情况").fill(summary)
        school.get_by_role("button", name="提交办结申请").click()
        expect_success(school, "已申请办结，等待督查室审核。")
        expect(school.locator("#actions")).to_contain_text("办结审核中")

    ask_to_close("全校课后服务已开设。")

    # 办结审核: the supervisor returns the first request with a reason.
    site_clock.move_to(2020, 9, 23, 15, 0)
    supervisor.goto(f"/plans/tasks/{task.pk}/")
    first_request = CompletionRequest.objects.get()
    review = supervisor.locator(f"#completion-{first_request.pk}")
    expect(review.get_by_role("heading")).to_have_text("办结审核")
    expect(review).to_contain_text("全校课后服务已开设。")
    review.get_by_label("审核意见（退回时必填）").fill("缺少覆盖率统计表，请补充后再申请。")
    review.get_by_role("button", name="退回", exact=True).click()
    expect_success(supervisor, "已退回办结申请，任务回到办理中。")
    expect(lead_row).to_contain_text("办理中")

    # The school reads why, adds what was missing, and asks again.
    site_clock.move_to(2020, 9, 24, 9, 0)
    school.goto(f"/plans/tasks/{task.pk}/")
    expect(school.locator("ol.timeline li.returned")).to_contain_text("缺少覆盖率统计表，请补充后再申请。")
    ask_to_close("全校42个班级均已开设课后服务，覆盖率100%，统计表见附件说明。")

    # The supervisor approves; the task is closed (已办结).
    site_clock.move_to(2020, 9, 25, 11, 0)
    supervisor.goto(f"/plans/tasks/{task.pk}/")
    second_request = CompletionRequest.objects.exclude(pk=first_request.pk).get()
    review = supervisor.locator(f"#completion-{second_request.pk}")
    expect(review).to_contain_text("全校42个班级均已开设课后服务，覆盖率100%，统计表见附件说明。")
    review.get_by_role("button", name="同意办结").click()
    expect_success(supervisor, "已同意办结。")
    expect(supervisor.locator(".card[id^=completion-]")).to_have_count(0)
    expect(supervisor.locator("h1 + p .light")).to_have_class("light done")
    expect(supervisor.locator("h1 + p .light")).to_have_text(re.compile("^✓已办结"))
    expect(lead_row).to_contain_text("已办结")
    expect(lead_row.locator("input[type=checkbox]")).to_have_count(0)

    # The timeline tells the whole story, in order, with the photo on the August report.
    entries = supervisor.locator("ol.timeline > li")
    expect(entries.locator(".kind")).to_have_text(
        [
            "交办",
            "签收",
            "进展填报",
            "进展填报",
            "催办",
            "督办",
            "督办反馈",
            "申请办结",
            "办结审核",
            "申请办结",
            "办结审核",
        ]
    )
    expect(entries.nth(0)).to_contain_text(f"2020年7月2日 09:00 · {people['admin'].full_name}")
    expect(entries.nth(0)).to_contain_text(f"交办牵头：{SCHOOL}；配合：厦门市湖里区金山小学")
    expect(entries.nth(1).locator(".when")).to_have_text(
        f"2020年7月3日 08:30 · {people['unit_staff'].full_name} · {SCHOOL}"
    )
    expect(entries.nth(2)).to_contain_text("2020年8月：推进中，完成 40%")
    expect(entries.nth(2).get_by_role("link", name="课后服务排班表.png")).to_be_visible()
    expect(entries.nth(3)).to_contain_text("2020年9月：推进中，完成 40%")
    expect(entries.nth(3).locator(".tag")).to_have_text(["较上期无变化"])
    expect(entries.nth(4)).to_contain_text(f"人工催办：{SCHOOL}")
    expect(entries.nth(4)).to_contain_text("请于9月底前报送课后服务覆盖率数据。")
    expect(entries.nth(5)).to_contain_text(f"人工督办：{SCHOOL}，请于2020年9月24日前反馈")
    expect(entries.nth(6)).to_contain_text(f"{SCHOOL}反馈督办")
    expect(entries.nth(8)).to_contain_text("2020年9月23日 15:00")
    expect(entries.nth(8)).to_contain_text("退回办结申请")
    expect(entries.nth(10)).to_contain_text("2020年9月25日 11:00")
    expect(entries.nth(10)).to_contain_text("同意办结")
    screenshot(supervisor, "cycle-timeline")

    # The school's workbench files the task under 已办结.
    school.goto("/")
    expect(school.locator(".notice.red")).to_have_count(0)
    expect(school.locator("details.action summary")).to_have_text("已办结 1 项")
    expect(card.locator(".light")).to_have_class("light done")
    expect(card).to_contain_text("进度 100%")

    # What the database keeps: every step, with the moment it happened.
    reports = list(ProgressReport.objects.order_by("created_at"))
    assert [(r.period_key, r.is_no_change, r.percent, r.created_at) for r in reports] == [
        ("2020-08", False, 40, at(2020, 8, 20, 10, 0)),
        ("2020-09", True, 40, at(2020, 9, 20, 9, 0)),
    ]
    attachment = Attachment.objects.get()
    assert (attachment.report, attachment.original_name, attachment.content_type, attachment.size) == (
        reports[0],
        "课后服务排班表.png",
        "image/png",
        photo.stat().st_size,
    )
    assert attachment.uploaded_at == at(2020, 8, 20, 10, 0)
    reminder = Reminder.objects.get()
    assert (reminder.assignment, reminder.message, reminder.created_at) == (
        lead,
        "请于9月底前报送课后服务覆盖率数据。",
        at(2020, 9, 21, 10, 0),
    )
    escalation.refresh_from_db()
    assert (escalation.assignment, escalation.response_due, escalation.closed_at) == (
        lead,
        datetime.date(2020, 9, 24),
        None,
    )
    response = EscalationResponse.objects.get()
    assert (response.escalation, response.author, response.created_at) == (
        escalation,
        people["unit_staff"],
        at(2020, 9, 22, 8, 0),
    )
    requests = list(CompletionRequest.objects.order_by("requested_at"))
    assert [(r.pk, r.decision, r.decision_reason, r.requested_at, r.decided_at) for r in requests] == [
        (
            first_request.pk,
            CompletionDecision.RETURNED,
            "缺少覆盖率统计表，请补充后再申请。",
            at(2020, 9, 22, 8, 0),
            at(2020, 9, 23, 15, 0),
        ),
        (second_request.pk, CompletionDecision.APPROVED, "", at(2020, 9, 24, 9, 0), at(2020, 9, 25, 11, 0)),
    ]
    lead.refresh_from_db()
    assert (lead.status, lead.percent, lead.acknowledged_at, lead.completed_at) == (
        AssignmentStatus.COMPLETED,
        100,
        at(2020, 7, 3, 8, 30),
        at(2020, 9, 25, 11, 0),
    )
    assert AuditEvent.objects.get(verb="assignment.acknowledge").at == at(2020, 7, 3, 8, 30)
    # The other school was neither reminded nor escalated, and still has to acknowledge.
    co.refresh_from_db()
    assert co.status == AssignmentStatus.NEW
    assert not co.reminders.exists()
    assert not co.escalations.exists()


def test_task_page_offers_no_change_only_when_last_periods_report_can_be_repeated(
    transactional_db, live_server, open_page, site_clock, people, bureau
):
    plan, task, lead, _ = draft_plan_led_by(bureau)
    site_clock.move_to(2020, 7, 2, 9, 0)
    plan_publish(actor=people["admin"], plan=plan)
    assignment_acknowledge(actor=people["unit_staff"], assignment=lead)
    school = open_page("phone")
    login(school, "t_staff")
    actions = school.locator("#actions")
    repeat = actions.get_by_role("button", name="较上期无变化")

    # Nothing reported yet: there is nothing to repeat.
    school.goto(f"/plans/tasks/{task.pk}/")
    expect(actions.get_by_role("link", name="填报进展")).to_be_visible()
    expect(repeat).to_have_count(0)

    # August reported in August: the current period is done already.
    site_clock.move_to(2020, 8, 20, 10, 0)
    report_submit(actor=people["unit_staff"], assignment=lead, text="已制定方案。", percent=40, status="in_progress")
    school.goto(f"/plans/tasks/{task.pk}/")
    expect(repeat).to_have_count(0)

    # In September the August report can be repeated.
    site_clock.move_to(2020, 9, 20, 9, 0)
    school.goto(f"/plans/tasks/{task.pk}/")
    expect(repeat).to_be_visible()


def test_completed_assignments_light_names_its_state_once(
    transactional_db, live_server, open_page, site_clock, people, bureau
):
    plan, task, lead, _ = draft_plan_led_by(bureau)
    site_clock.move_to(2020, 7, 2, 9, 0)
    plan_publish(actor=people["admin"], plan=plan)
    site_clock.move_to(2020, 9, 24, 9, 0)
    request = completion_request_submit(actor=people["unit_staff"], assignment=lead, summary="全校课后服务已开设。")
    site_clock.move_to(2020, 9, 25, 11, 0)
    completion_decide(actor=people["supervisor"], request=request, approve=True)
    school = open_page("phone")
    login(school, "t_staff")

    school.goto(f"/plans/tasks/{task.pk}/")
    expect(school.locator("h1 + p .light")).to_have_class("light done")
    expect(school.locator("h1 + p .light")).not_to_have_text(re.compile("已办结.*已办结"))
