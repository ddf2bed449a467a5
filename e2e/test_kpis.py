"""KPIs in the browser: the admin sets the rep scorecard's weights (a wrong total is refused with the message, then
saved); a rep on a phone (375 px) reads their scorecard, drills into a value, opens the leaderboard and finds their
own row highlighted. No sideways scroll at 375 px."""

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.performance.tests.kpi_factories import make_agreement

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_admin_sets_weights_and_a_rep_reads_scorecard_drills_down_and_finds_their_row(org, new_page):
    today = timezone.localdate()
    make_agreement(org.rep_a, amount="120000.00", signed_on=today)
    make_agreement(org.rep_a, amount="30000.00", signed_on=today)
    make_agreement(org.rep_b, amount="90000.00", signed_on=today)

    admin = login(new_page(DESKTOP), "admin")
    admin.goto("/performance/kpis/settings/?role=rep")
    admin.fill("input[name=weight_signed_amount]", "60")
    admin.fill("input[name=target_signed_amount]", "100000")
    admin.fill("input[name=weight_visits]", "30")
    admin.fill("input[name=target_visits]", "8")
    admin.click("button[type=submit].primary")
    error = admin.locator("[data-testid=form-errors]")
    assert "权重合计必须为 100%（现为 90%）" in error.inner_text()
    screenshot(admin, "kpis-settings-refused-1366")
    admin.fill("input[name=weight_visits]", "40")
    admin.click("button[type=submit].primary")
    admin.wait_for_url(lambda url: "role=rep" in url)
    assert "评分卡已保存" in admin.content()
    screenshot(admin, "kpis-settings-saved-1366")

    rep = login(new_page(PHONE), "rep_a")
    rep.goto("/performance/scorecard/")
    row = rep.locator("[data-testid=kpi-signed_amount]")
    assert "¥150,000.00" in row.inner_text() and "150.00" in row.inner_text()
    assert "暂无数据" in rep.locator("[data-testid=kpi-visits]").inner_text()
    assert rep.locator("[data-testid=weighted-total]").inner_text() == "90.00"  # 150 (capped) × 60%
    no_sideways_scroll(rep)
    screenshot(rep, "kpis-my-scorecard-375")
    rep.click("[data-testid=drill-signed_amount]")
    rep.wait_for_url(lambda url: "/records/" in url)
    summary = rep.locator("[data-testid=drill-summary]").inner_text()
    assert "共 2 条" in summary and "150,000.00" in summary
    assert rep.locator("[data-testid=drill-rows] tbody tr").count() == 2
    no_sideways_scroll(rep)
    screenshot(rep, "kpis-drill-375")
    rep.goto("/performance/leaderboard/")
    mine = rep.locator("[data-testid=my-row]")
    assert "rep_a" in mine.inner_text() and "¥150,000.00" in mine.inner_text()
    assert "你排第 1 名，共 2 名" in rep.locator("[data-testid=my-standing]").inner_text()
    no_sideways_scroll(rep)
    screenshot(rep, "kpis-leaderboard-375")

    manager = login(new_page(PHONE), "manager_east")
    manager.goto("/performance/team-scorecards/")
    cards = manager.locator("[data-testid=scorecard]")
    assert cards.count() == 3  # the team (East, manager scorecard: none set) and its two reps
    assert "¥150,000.00" in cards.nth(1).inner_text() or "¥150,000.00" in cards.nth(2).inner_text()
    no_sideways_scroll(manager)
    screenshot(manager, "kpis-team-scorecards-375")

