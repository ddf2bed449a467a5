"""Browser test of the activity statistics: a manager picks a week, the chart draws, the table has the team's reps
and a totals row; on a 375 px phone the wide table scrolls inside its own box, never the page."""

import datetime

import pytest
from django.utils import timezone

from e2e.conftest import PHONE, login, screenshot
from salesflow.activities.tests.factories import make_activity, make_plan
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_manager_reads_the_teams_statistics_on_desktop_and_phone(new_page, org):
    today = timezone.localdate()
    week_start = today - datetime.timedelta(days=today.weekday())
    for rep, kinds in ((org.rep_a, ["visit", "call", "call"]), (org.rep_a2, ["wechat"]), (org.rep_b, ["email"])):
        customer = make_customer(rep, customer_class="A")
        for hour, kind in enumerate(kinds, start=8):
            make_activity(rep, customer, kind=kind,
                          at=timezone.make_aware(datetime.datetime.combine(week_start, datetime.time(hour))))
        make_plan(rep, customer, on=week_start)
    page = login(new_page(), org.manager_east.username)
    page.goto("/activities/statistics/", wait_until="domcontentloaded")
    iso = week_start.isocalendar()
    page.select_option("select[name=period]", f"{iso.year}-W{iso.week:02d}")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("[data-testid=stats-filters] button[type=submit].primary")
    page.wait_for_selector("#stats-chart .main-svg", timeout=60000)  # plotly.js is 3.5 MB: a busy machine is slow
    rows = page.locator("[data-testid=stats-row]")
    assert rows.count() == 3  # manager_east, rep_a, rep_a2 — not rep_b of the West
    assert "rep_b" not in page.locator("[data-testid=stats-table]").inner_text()
    total = page.locator("[data-testid=stats-total-row]").inner_text()
    assert "合计" in total and "4" in total.split()
    screenshot(page, "activity-stats-desktop")

    phone = login(new_page(PHONE), org.manager_east.username)
    phone.goto(page.url.replace(page.url.split("/activities/")[0], ""), wait_until="domcontentloaded")
    phone.wait_for_selector("[data-testid=stats-table]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = phone.locator("[data-testid=stats-scroll]")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside its box
    screenshot(phone, "activity-stats-phone")

    rep_phone = login(new_page(PHONE), org.rep_a.username)
    rep_phone.goto("/activities/statistics/", wait_until="domcontentloaded")
    assert rep_phone.locator("[data-testid=stats-row]").count() == 1
    assert rep_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
