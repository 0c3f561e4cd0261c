"""Journeys through the real site in Debian's chromium: sign-in, the unit's tasks, the directory import, sign-out, admin.

Each journey runs at desktop size and at phone size, and saves full-page screenshots into
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from accounts.models import DirectoryImport, DirectoryImportStatus, Role, Unit, User
from tests.factories import TEST_PASSWORD, AssignmentFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.browser

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_ERROR_ROW = 3  # the header is row 1; the second data row carries the unknown 单位类型


def login(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the Chinese login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def assert_no_horizontal_overflow(page: Page) -> None:
    """The page must not scroll sideways: nothing is wider than the viewport."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"


def assert_in_viewport_width(page: Page, locator) -> None:
    """The element (a button, say) lies within the viewport's width, so a thumb can reach it."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def bad_units_csv() -> bytes:
    """A units table whose second data row has an unknown 单位类型."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["单位名称", "单位类型", "学段", "办学性质", "上级单位"])
    writer.writerow(["湖里区第二实验小学", "学校", "小学", "公办", "湖里区教育局"])
    writer.writerow(["湖里区星光培训中心", "培训机构", "", "", "湖里区教育局"])
    return buffer.getvalue().encode("utf-8-sig")


def good_directory_xlsx() -> bytes:
    """A workbook with two new units and two new people (no passwords: the system generates them)."""
    workbook = Workbook()
    units = workbook.active
    units.title = "单位"
    units.append(["单位名称", "单位类型", "学段", "办学性质", "上级单位"])
    units.append(["湖里区第二实验小学", "学校", "小学", "公办", "湖里区教育局"])
    units.append(["湖里区海天幼儿园", "幼儿园", None, "民办", "湖里区教育局"])
    people = workbook.create_sheet("人员")
    people.append(["用户名", "姓名", "所属单位", "角色"])
    people.append(["hl_ex2_wang", "王老师", "湖里区第二实验小学", "单位经办人"])
    people.append(["hl_ht_li", "李园长", "湖里区海天幼儿园", "单位负责人"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_unit_staff_signs_in_and_sees_only_their_schools_tasks(
    transactional_db, live_server, page, screenshot, viewport_name, people, bureau
):
    plan = PlanFactory(title="湖里区教育局2020年工作要点")
    own = AssignmentFactory(task=TaskFactory(plan=plan, headline="推进课后服务全覆盖"), unit=bureau["school"])
    AssignmentFactory(task=TaskFactory(plan=plan, headline="开展校园足球联赛"), unit=bureau["other_school"])

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page).to_have_title(re.compile("^登录"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_focused()
    expect(page.get_by_label("密码")).to_have_attribute("type", "password")
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
        assert_in_viewport_width(page, page.get_by_role("button", name="登录"))
    screenshot("login")

    # A wrong password: the Chinese error, still on the login page, the username kept.
    page.get_by_label("用户名").fill("t_staff")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确。请注意密码区分大小写。")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("用户名")).to_have_value("t_staff")
    expect(page.get_by_role("heading", name="我的任务")).to_have_count(0)
    screenshot("login-error")

    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("^我的任务（1）"))
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    expect(page.get_by_text(people["unit_staff"].full_name)).to_be_visible()
    row = page.locator("li.task-card")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("推进课后服务全覆盖")
    expect(row).to_contain_text("湖里区教育局2020年工作要点")
    expect(row).to_contain_text(own.task.path)
    expect(row).to_contain_text("牵头")
    expect(row).to_contain_text("进度 0%")
    expect(page.get_by_text("开展校园足球联赛")).to_have_count(0)
    # Unit staff are not offered the admin's links.
    expect(page.get_by_role("link", name="单位人员导入")).to_have_count(0)
    expect(page.get_by_role("link", name="管理后台", exact=True)).to_have_count(0)
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
    screenshot("home-unit-staff")


def test_admin_imports_units_and_people(transactional_db, live_server, page, screenshot, viewport_name, people, bureau):
    units_before = Unit.objects.count()
    login(page, "t_admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^工作计划"))
    page.get_by_role("link", name="单位人员导入").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/directory/import/")
    expect(page.get_by_role("heading", name="导入单位和人员")).to_be_visible()

    # A .csv with an unknown 单位类型 on row 3: the error table, and nothing created.
    page.get_by_label("选择文件").set_input_files(
        {"name": "单位-有错误.csv", "mimeType": "text/csv", "buffer": bad_units_csv()}
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入预览：单位-有错误.csv")
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("发现 1 处错误，改正后请重新上传")
    error_rows = alert.locator("table tbody tr")
    expect(error_rows).to_have_count(1)
    cells = error_rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("单位")
    expect(cells.nth(1)).to_have_text(str(BAD_ERROR_ROW))
    expect(cells.nth(2)).to_have_text("单位类型")
    expect(cells.nth(3)).to_contain_text("“培训机构”不是有效的单位类型")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    expect(alert.get_by_role("link", name="重新上传")).to_be_visible()
    if viewport_name == "phone":
        expect(alert.locator("table thead")).to_be_hidden()
        assert_no_horizontal_overflow(page)
    screenshot("import-error")
    assert Unit.objects.count() == units_before
    assert not Unit.objects.filter(name__in=["湖里区第二实验小学", "湖里区星光培训中心"]).exists()
    assert DirectoryImport.objects.get().status == DirectoryImportStatus.REJECTED

    # A good .xlsx: the preview, then 确认导入, then the result with the generated passwords.
    alert.get_by_role("link", name="重新上传").click()
    page.get_by_label("选择文件").set_input_files(
        {"name": "单位人员.xlsx", "mimeType": XLSX_TYPE, "buffer": good_directory_xlsx()}
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入预览：单位人员.xlsx")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("检查通过。确认后将一次性导入以下全部内容。")).to_be_visible()
    stats = page.locator(".stats .stat")
    expect(stats.filter(has_text="新增单位").locator(".value")).to_have_text("2")
    expect(stats.filter(has_text="新增人员").locator(".value")).to_have_text("2")
    expect(stats.filter(has_text="错误")).to_have_count(0)
    tables = page.locator("table.data")
    expect(tables.nth(0)).to_contain_text("学校 / 小学 / 公办")
    expect(tables.nth(0)).to_contain_text("幼儿园 / 民办")
    expect(tables.nth(1)).to_contain_text("单位经办人")
    expect(tables.nth(1)).to_contain_text("单位负责人")
    expect(tables.nth(0)).to_contain_text("湖里区第二实验小学")
    expect(tables.nth(0)).to_contain_text("湖里区海天幼儿园")
    expect(tables.nth(1)).to_contain_text("hl_ex2_wang")
    expect(tables.nth(1)).to_contain_text("李园长")
    confirm = page.get_by_role("button", name="确认导入")
    expect(confirm).to_be_visible()
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
        assert_in_viewport_width(page, confirm)
    screenshot("import-preview")
    assert not Unit.objects.filter(name="湖里区第二实验小学").exists()

    confirm.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入完成：单位人员.xlsx")
    expect(page.locator(".messages li.success")).to_have_text("导入完成。")
    expect(page.get_by_role("heading", name="系统生成的初始密码")).to_be_visible()
    password_rows = page.locator(".card table.data tbody tr")
    expect(password_rows).to_have_count(2)
    shown = {}
    for index in range(2):
        cells = password_rows.nth(index).locator("td")
        shown[cells.nth(0).inner_text().strip()] = (
            cells.nth(1).inner_text().strip(),
            cells.nth(2).inner_text().strip(),
        )
    assert set(shown) == {"hl_ex2_wang", "hl_ht_li"}
    assert shown["hl_ex2_wang"][0] == "王老师"
    if viewport_name == "phone":
        assert_no_horizontal_overflow(page)
    screenshot("import-result")

    school = Unit.objects.get(name="湖里区第二实验小学")
    assert (school.kind, school.stage, school.ownership, school.parent) == (
        "school",
        "primary",
        "public",
        bureau["bureau"],
    )
    kindergarten = Unit.objects.get(name="湖里区海天幼儿园")
    assert (kindergarten.kind, kindergarten.ownership, kindergarten.parent) == (
        "kindergarten",
        "private",
        bureau["bureau"],
    )
    assert Unit.objects.count() == units_before + 2
    wang = User.objects.get(username="hl_ex2_wang")
    assert (wang.full_name, wang.role, wang.unit) == ("王老师", Role.UNIT_STAFF, school)
    li = User.objects.get(username="hl_ht_li")
    assert (li.role, li.unit) == (Role.UNIT_MANAGER, kindergarten)
    # The passwords shown are the ones that work.
    assert wang.check_password(shown["hl_ex2_wang"][1])
    assert li.check_password(shown["hl_ht_li"][1])


def test_logout_posts_and_returns_to_login(transactional_db, live_server, page, viewport_name, people):
    login(page, "t_staff")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^我的任务"))
    logout = page.get_by_role("button", name="退出")
    expect(logout).to_be_visible()
    # 退出 is a button in a POST form (Django refuses a GET logout).
    form = logout.locator("xpath=ancestor::form[1]")
    expect(form).to_have_attribute("method", "post")
    if viewport_name == "phone":
        assert_in_viewport_width(page, logout)
    logout.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    # Signed out for real: the home page sends the person back to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_admin_site_lists_units_in_chinese(transactional_db, live_server, page, screenshot, people, bureau):
    login(page, "t_admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^工作计划"))
    page.get_by_role("link", name="管理后台", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page).to_have_title(re.compile("督查督办系统"))
    expect(page.get_by_role("heading", name="数据管理")).to_be_visible()
    expect(page.get_by_role("link", name="单位与人员")).to_be_visible()
    page.get_by_role("link", name="单位", exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/accounts/unit/")
    results = page.locator("#result_list")
    expect(results).to_contain_text("单位名称")
    expect(results).to_contain_text("单位类型")
    for name in ("湖里区教育局", "基础教育科", "厦门市湖里区实验小学", "厦门市湖里区金山小学"):
        expect(results.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(results).to_contain_text("学校")
    expect(page.get_by_text("5 单位")).to_be_visible()
    screenshot("admin-units")
