"""The plan importer (立项) in Debian's chromium: upload or paste a document, review the tree, assign, confirm.

The demo bureau (seeds.demo) provides the units the review page matches names against, and its admin
signs in. Each journey runs at desktop size and at phone size and saves full-page screenshots into
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import Unit
from plans.models import Assignment, ImportStatus, Plan, PlanImport, PlanStatus
from seeds.demo import DEFAULT_DEMO_PASSWORD, seed_demo_directory
from tests.browser.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
HULI_2020 = SEEDS / "002_c97d9de1b7c49a7b.txt"  # 湖里区教育局2020年工作要点: 30 items in 5 parts
SUMMARY_AND_PLAN = SEEDS / "000_adadd012ee4f12e7.txt"  # one line; 一、 > (一) > inline 一是/二是
SUMMARY_SECTIONS = {
    "一.一": "抓均衡、补短板,教育质量不断提升",
    "一.二": "抓建设、盯项目,教育资源增量扩容",
    "一.三": "抓内涵、创特色,立德树人彰显成效",
    "一.四": "抓作风、强能力,教师队伍持续优化",
    "一.五": "守初心、担使命,教育管理全面加强",
}
PLAN_SECTIONS = {
    "二.一": "聚焦“公平优质”,在教育质量上争一流",
    "二.二": "聚焦“改薄扩容”,在资源供给上争一流",
    "二.三": "聚焦“激励培育”,在队伍建设上争一流",
    "二.四": "聚焦“立德树人”,在文化建设上争一流",
    "二.五": "聚焦“清廉高效”,在教育管理上争一流",
}


@pytest.fixture
def demo_admin(transactional_db):
    """Create the demo bureau (its departments, schools, kindergartens and users) and return the admin's login."""
    seed_demo_directory()
    return "admin", DEFAULT_DEMO_PASSWORD


def login(page: Page, username: str, password: str) -> None:
    """Sign in through the Chinese login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^工作计划"))


def open_importer(page: Page, live_server) -> None:
    """Follow 导入工作计划 in the header's navigation to the upload page."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入工作计划").click()
    expect(page).to_have_url(f"{live_server.url}/plans/imports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("导入工作计划（立项）")


def assert_no_horizontal_overflow(page: Page) -> None:
    """The page must not scroll sideways: nothing is wider than the viewport."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"


def assert_in_viewport_width(page: Page, locator: Locator) -> None:
    """The element lies within the viewport's width, so a thumb can reach it."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def review_row(page: Page, path: str) -> Locator:
    """Return the review table's row numbered `path` as shown (三.11, 二.一), sections and items alike."""
    number = page.locator("td[data-label='编号']").get_by_text(path, exact=True)
    return page.locator("table.review tbody tr").filter(has=number)


def stat(page: Page, label: str) -> Locator:
    """Return the value of one of the review page's counters (篇章, 任务, 需核对)."""
    return page.locator(".stats .stat").filter(has_text=label).locator(".value")


def assert_inputs_fit_cards(page: Page) -> None:
    """At phone size, every input of the review table stays inside the viewport."""
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('table.review input, .bulk input, .sticky-actions button')]
              .map(el => [el.name || el.id || el.textContent.trim(), el.getBoundingClientRect()])
              .filter(([, box]) => box.width > 0 && (box.left < 0 || box.right > window.innerWidth))
              .map(([name, box]) => `${name}: ${Math.round(box.left)}..${Math.round(box.right)}`)"""
    )
    assert not overflowing, f"inputs overflow the {page.viewport_size['width']}px viewport: {overflowing[:5]}"


def assert_sticky_bar_keeps_clear(page: Page, viewport_name: str) -> None:
    """The 确认立项 bar rides the bottom of the screen mid-page, and at the end sits below the last row."""
    bar = page.locator(".sticky-actions")
    review_row(page, "三.12").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -200)")
    box = bar.bounding_box()
    assert box is not None
    assert abs(box["y"] + box["height"] - page.viewport_size["height"]) <= 1, "the bar is not at the screen's bottom"
    assert box["height"] <= 90, f"the bar takes {box['height']}px of the screen"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"import-review-002-scrolled-{viewport_name}.png"))
    # Tabbing onto a field that lies under the bar brings it into view above the bar.
    hidden = page.evaluate(
        """(barTop) => [...document.querySelectorAll('table.review input[type=text]')]
              .findIndex(el => el.getBoundingClientRect().bottom > barTop)""",
        box["y"],
    )
    assert hidden > 0, "no field above the bar to start from"
    field = page.locator("table.review input[type=text]").nth(hidden)
    page.locator("table.review input[type=text]").nth(hidden - 1).focus()
    for _ in range(10):  # past the 原文 toggle, checkboxes and the date field between them
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    expect(field).to_be_focused()
    field_box = field.bounding_box()
    assert field_box is not None
    assert field_box["y"] + field_box["height"] <= bar.bounding_box()["y"], "the focused field is under the bar"
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("table.review tbody tr").last.bounding_box()
    box = bar.bounding_box()
    assert last is not None and box is not None
    assert last["y"] + last["height"] <= box["y"] + 1, "the bar covers the last row"
    page.evaluate("() => window.scrollTo(0, 0)")


def co_units(task_path: str) -> set[str]:
    """Return the names of the co-units (配合) of the imported task with this path."""
    return set(
        Assignment.objects.filter(task__path=task_path, role="co").values_list("unit__name", flat=True).distinct()
    )


def test_admin_imports_the_2020_work_points_assigns_and_confirms(
    demo_admin, live_server, page, screenshot, viewport_name
):
    login(page, *demo_admin)
    open_importer(page, live_server)

    page.get_by_label("上传文件").set_input_files(str(HULI_2020))
    page.get_by_role("button", name="开始识别").click()
    record = PlanImport.objects.get()
    expect(page).to_have_url(f"{live_server.url}/plans/imports/{record.pk}/")
    expect(page).to_have_title(re.compile("^审核导入结果"))
    expect(page.get_by_role("heading", level=1)).to_have_text("审核导入结果：002_c97d9de1b7c49a7b.txt")
    expect(page.get_by_role("alert")).to_have_count(0)

    # The metadata the importer read from the document.
    expect(page.get_by_label("标题", exact=True)).to_have_value("湖里区教育局2020年工作要点")
    expect(page.get_by_label("文号", exact=True)).to_have_value("厦湖教〔2020〕132号")
    expect(page.get_by_label("计划年度", exact=True)).to_have_value("2020")
    expect(page.get_by_label("发布机构", exact=True)).to_have_value("湖里区教育局")
    expect(page.get_by_label("成文日期", exact=True)).to_have_value("2020-07-02")
    expect(stat(page, "篇章")).to_have_text("5")
    expect(stat(page, "任务")).to_have_text("30")

    # The tree: five parts, thirty numbered items under them, each headline editable.
    expect(page.locator("table.review tr.section")).to_have_count(5)
    expect(page.locator("table.review tr.item")).to_have_count(30)
    part_three = review_row(page, "三")
    expect(part_three).to_have_class(re.compile(r"\bsection\b"))
    expect(part_three.get_by_label("篇章标题")).to_have_value("推动基础教育发展")
    for path, headline in {
        "一.1": "深入学习贯彻“十九大”精神和习近平新时代中国特色社会主义思想",
        "三.11": "全力推进补短扩容项目建设",
        "三.13": "加快推进义务教育均衡发展",
        "五.30": "强化校园安全保障",
    }.items():
        expect(review_row(page, path).get_by_label("任务名称")).to_have_value(headline)
    item_11 = review_row(page, "三.11")
    expect(item_11.get_by_label("完成时限")).to_have_value("2020-09-01")
    # No unit is named in this document: every item asks to be assigned.
    expect(item_11.locator(".warning-text")).to_contain_text(["⚠ 原文没有写明责任单位，请指派。"])

    if viewport_name == "phone":
        expect(page.locator("table.review thead")).to_be_hidden()
        assert_no_horizontal_overflow(page)
        assert_inputs_fit_cards(page)
        assert_in_viewport_width(page, page.get_by_role("button", name=re.compile("^确认立项")))
    screenshot("import-review-002")
    assert_sticky_bar_keeps_clear(page, viewport_name)

    # Enter in a text box saves the corrections (it does not run the bulk assignment, the form's first action).
    page.get_by_label("主送单位", exact=True).fill("区属中小学、幼儿园，机关各科室")
    page.get_by_label("主送单位", exact=True).press("Enter")
    expect(page.locator(".messages li.success")).to_have_text("修改已保存。")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("主送单位", exact=True)).to_have_value("区属中小学、幼儿园，机关各科室")

    # Items 1 and 12 get a lead unit typed in; items 12 and 13 get every school as co-units in one go.
    review_row(page, "一.1").get_by_label("牵头单位").fill("组织干部科")
    review_row(page, "三.12").get_by_label("牵头单位").fill("学前教育科")
    review_row(page, "三.12").get_by_label("选择此项").check()
    review_row(page, "三.13").get_by_label("选择此项").check()
    bulk = page.locator("fieldset.bulk")
    bulk.get_by_label("单位", exact=True).fill("全部学校")
    bulk.get_by_label("配合", exact=True).check()
    bulk.get_by_role("button", name="指派给选中的任务").click()
    expect(page.locator(".messages li.success")).to_have_text("已为 2 项任务指派“全部学校”。")
    expect(page).to_have_url(f"{live_server.url}/plans/imports/{record.pk}/")
    expect(review_row(page, "一.1").get_by_label("牵头单位")).to_have_value("组织干部科")
    expect(review_row(page, "三.12").get_by_label("牵头单位")).to_have_value("学前教育科")
    expect(review_row(page, "三.12").get_by_label("配合单位")).to_have_value("全部学校")
    expect(review_row(page, "三.13").get_by_label("配合单位")).to_have_value("全部学校")
    expect(review_row(page, "三.14").get_by_label("配合单位")).to_have_value("")

    # Part 五 (its nine items) is left out, then 确认立项.
    review_row(page, "五").get_by_label("导入此部分").uncheck()
    page.get_by_role("button", name=re.compile("^确认立项")).click()
    plan = Plan.objects.get()
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("湖里区教育局2020年工作要点")
    expect(page.locator(".messages li.success")).to_have_text(
        "立项完成：《湖里区教育局2020年工作要点》共 21 项任务，目前为草稿，发布后各单位即可看到。"
    )
    expect(page.get_by_role("button", name="发布计划")).to_be_visible()
    table = page.locator("table.data")
    expect(table.locator("tbody tr.section")).to_have_count(4)
    expect(table).to_contain_text("三 推动基础教育发展")
    expect(table).not_to_contain_text("完善教育服务保障")
    expect(table).not_to_contain_text("强化校园安全保障")
    first = table.locator("tbody tr").filter(has=page.get_by_text("一.1", exact=True))
    expect(first.locator("td[data-label='牵头单位']")).to_have_text("组干科")
    twelve = table.locator("tbody tr").filter(has=page.get_by_text("三.12", exact=True))
    expect(twelve.locator("td[data-label='牵头单位']")).to_have_text("学前科")
    # A long co-unit list is cut to five names and a count, so the deadline column keeps its width.
    expect(twelve.locator("td[data-label='配合单位']")).to_have_text(
        re.compile(r"^湖里中学、禾山中学、.*等 25 个单位\s*$")
    )
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
    screenshot("plan-detail-002")

    record.refresh_from_db()
    assert record.status == ImportStatus.CONFIRMED and record.plan == plan
    assert (plan.status, plan.plan_year, plan.doc_number, plan.title) == (
        PlanStatus.DRAFT,
        2020,
        "厦湖教〔2020〕132号",
        "湖里区教育局2020年工作要点",
    )
    assert plan.tasks.count() == 21
    assert not plan.tasks.filter(path__startswith="五.").exists()
    assert plan.sections.count() == 4
    assert plan.recipients == "区属中小学、幼儿园，机关各科室"
    leads = Assignment.objects.filter(task__plan=plan, role="lead").order_by("task__position")
    assert list(leads.values_list("task__path", "unit__name")) == [("一.1", "组织干部科"), ("三.12", "学前教育科")]
    schools = set(Unit.objects.filter(kind="school", is_active=True).values_list("name", flat=True))
    assert len(schools) == 25
    assert co_units("三.12") == schools
    assert co_units("三.13") == schools
    assert not Assignment.objects.filter(task__plan=plan).exclude(task__path__in=["一.1", "三.12", "三.13"]).exists()


def test_pasted_text_with_lost_line_breaks_keeps_its_three_levels(
    demo_admin, live_server, page, screenshot, viewport_name
):
    login(page, *demo_admin)
    open_importer(page, live_server)

    page.get_by_label("或粘贴正文").fill(SUMMARY_AND_PLAN.read_text(encoding="utf-8"))
    expect(page.get_by_label("计划年度")).to_have_value("")
    page.get_by_role("button", name="开始识别").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("审核导入结果：粘贴的文本")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("标题", exact=True)).to_have_value("教育局2020年工作总结和2021年工作思路")
    expect(page.get_by_label("计划年度", exact=True)).to_have_value("2020")
    expect(stat(page, "任务")).to_have_text("34")
    expect(stat(page, "篇章")).to_have_text("12")
    expect(page.locator("table.review tr.item")).to_have_count(34)

    # Two parts (last year's summary, this year's plan), each with its (一)…(五) sections.
    expect(review_row(page, "一").get_by_label("篇章标题")).to_have_value("2020 年工作总结")
    expect(review_row(page, "二").get_by_label("篇章标题")).to_have_value("2020 年工作思路")
    for path, title in {**SUMMARY_SECTIONS, **PLAN_SECTIONS}.items():
        row = review_row(page, path)
        expect(row).to_have_class(re.compile(r"\bsection\b.*\bdepth-1\b"))
        expect(row.get_by_label("篇章标题")).to_have_value(title)
    expect(review_row(page, "二.一.一是").get_by_label("任务名称")).to_have_value("做大做强学前教育“普惠”品牌")
    expect(review_row(page, "二.一.一是")).to_have_class(re.compile(r"\bitem\b.*\bdepth-2\b"))
    expect(review_row(page, "二.五.四是").get_by_label("任务名称")).to_have_value("全面深化教育综合改革")
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
        assert_inputs_fit_cards(page)
    screenshot("import-review-000")

    # Only this year's plan becomes tasks: part 一 (the summary) is left out.
    review_row(page, "一").get_by_label("导入此部分").uncheck()
    page.get_by_role("button", name=re.compile("^确认立项")).click()
    plan = Plan.objects.get()
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator(".messages li.success")).to_contain_text("共 18 项任务")
    # Part 二 heads its five sections, though no task sits directly under it.
    expect(page.locator("table.data tbody tr.section")).to_have_text(
        ["二 2020 年工作思路", *(f"{path} {title}" for path, title in PLAN_SECTIONS.items())]
    )
    expect(page.locator("table.data")).not_to_contain_text("中考高考争先进位")
    expect(page.locator("table.data")).to_contain_text("全面深化教育综合改革")
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
    screenshot("plan-detail-000")

    assert (plan.status, plan.plan_year, plan.source_name) == (PlanStatus.DRAFT, 2020, "")
    assert plan.tasks.count() == 18
    assert not plan.tasks.filter(path__startswith="一.").exists()
    assert set(plan.sections.values_list("path", flat=True)) == {"二", *PLAN_SECTIONS}


def test_a_picture_is_refused_in_chinese_and_nothing_is_created(
    demo_admin, live_server, page, screenshot, viewport_name
):
    login(page, *demo_admin)
    open_importer(page, live_server)

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    page.get_by_label("上传文件").set_input_files({"name": "工作要点.png", "mimeType": "image/png", "buffer": png})
    page.get_by_role("button", name="开始识别").click()
    expect(page).to_have_url(f"{live_server.url}/plans/imports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("导入工作计划（立项）")
    expect(page.locator(".field.has-error .error-text")).to_have_text(
        "不支持这种文件。请上传 .docx、.pdf、.txt、.html 或 .xlsx 文件；旧版 .doc/.xls 请先另存为新格式。"
    )
    expect(page.get_by_role("heading", name="审核导入结果")).to_have_count(0)
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
    screenshot("import-bad-file")

    assert not PlanImport.objects.exists()
    assert not Plan.objects.exists()
