"""The leaders' dashboard on the demo data, in Debian's chromium at desktop and phone size.

The charts must draw (a canvas in each), raise no console error, fit a phone's width, and open the
review list behind a point or bar when clicked. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from seeds.demo import demo_password, seed_demo_directory
from seeds.history import seed_demo_history
from seeds.plans import seed_demo_plans
from tests.browser.conftest import SCREENSHOT_DIR, VIEWPORTS

pytestmark = pytest.mark.browser

CHARTS = ("plan", "parts", "trend", "units", "heatmap")


@pytest.fixture
def demo_data(transactional_db):
    """Seed the demo bureau, its two published plans and their history, as `manage.py seed_demo` does."""
    seed_demo_directory()
    seed_demo_plans(User.objects.get(username="admin"))
    seed_demo_history()


def _open(browser, live_server, size: str) -> tuple[Page, list[str]]:
    """Open a page at the size, signed in as the demo leader, collecting console errors."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", reduced_motion="reduce", **VIEWPORTS[size])
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # The browser asks for /favicon.ico on its own; the site has none, and that is not the page's fault.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(demo_password())
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page, errors


def _show_dashboard(page: Page) -> None:
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="领导驾驶舱", level=1)).to_be_visible()
    expect(page.locator("[data-chart][data-drawn]")).to_have_count(len(CHARTS))
    for kind in CHARTS:
        expect(page.locator(f'[data-chart="{kind}"] canvas').first).to_be_visible()


def _click_item(page: Page, kind: str, series: int, value: list) -> None:
    """Click the chart item at the data coordinates, as a person would."""
    chart = page.locator(f'[data-chart="{kind}"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    x, y = page.evaluate(
        """([kind, series, value]) => {
             const el = document.querySelector(`[data-chart="${kind}"]`);
             return echarts.getInstanceByDom(el).convertToPixel({seriesIndex: series}, value);
           }""",
        [kind, series, value],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def _screenshot(page: Page, name: str, size: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{size}.png"), full_page=True)


def test_dashboard_draws_every_chart_and_opens_the_list_behind_it(demo_data, browser, live_server):
    # Desktop: every chart drawn; the trend's second month opens the assignments due that month.
    page, errors = _open(browser, live_server, "desktop")
    _show_dashboard(page)
    plan_id = page.locator("#plan-select").input_value()
    assert page.locator("#plan-select option:checked").inner_text().endswith("县教育局2026年工作要点")
    _screenshot(page, "dashboard", "desktop")
    august = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).trend.completion[1]")
    _click_item(page, "trend", 0, [1, august["value"]])
    expect(page).to_have_url(re.compile(rf"/plans/review/\?plan={plan_id}&light=red.*&due_from=\d{{4}}-02-01&due_to="))

    # The other plan, chosen from the list, draws too.
    _show_dashboard(page)
    older = page.locator("#plan-select option", has_text="湖里区教育局2020年工作要点").get_attribute("value")
    page.locator("#plan-select").select_option(older)  # the list submits itself on change
    expect(page).to_have_url(re.compile(rf"/dashboard/\?plan={older}$"))
    expect(page.locator("[data-chart][data-drawn]")).to_have_count(len(CHARTS))
    _screenshot(page, "dashboard-2020", "desktop")
    assert errors == []

    # Phone: one column, nothing wider than the screen; a unit's bar opens that unit's list.
    page, errors = _open(browser, live_server, "phone")
    _show_dashboard(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('.dash-figure')].map(f => f.getBoundingClientRect().left)"
    )
    assert len(set(lefts)) == 1  # one column
    _screenshot(page, "dashboard", "phone")
    for details in page.locator("details.dash-table").all():
        details.locator("summary").click()
    _screenshot(page, "dashboard-tables", "phone")
    first_unit = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).units.onTime[0]")
    _click_item(page, "units", 0, [first_unit["value"] / 2, 0])
    expect(page).to_have_url(re.compile(rf"/plans/review/\?plan={plan_id}&unit=\d+&light=red"))
    assert errors == []
