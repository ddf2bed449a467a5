"""Browser tests for the analytics part of issue 4: funnel chart and table, forecast call submission and adjustment."""

import pytest
from django.utils import timezone

from e2e.conftest import login, screenshot
from salesflow.core.periods import period_of
from salesflow.pipeline import services
from salesflow.pipeline.models import ForecastSubmission
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_funnel_page_shows_chart_and_table_of_what_the_rep_sees(new_page, org):
    for i, amount in enumerate((100000, 50000)):
        services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject=f"漏斗A{i}",
                                  amount=amount)
    services.open_opportunity(actor=org.rep_b, customer=make_customer(org.rep_b), subject="西区商机", amount=999000)
    page = login(new_page(), org.rep_a.username)
    page.goto("/analytics/funnel/")
    page.wait_for_selector("#funnel-chart .main-svg")
    table = page.locator("[data-testid=funnel-table]").inner_text()
    assert "150000" in table.replace(",", "")
    assert "999" not in table  # rep_b's deal is not visible to rep_a
    screenshot(page, "analytics-funnel")


def test_rep_submits_a_call_and_the_manager_adjusts_it(new_page, org):
    label = period_of("quarter", timezone.localdate()).label
    rep = login(new_page(), org.rep_a.username)
    rep.goto(f"/analytics/forecast/submissions/?period={label}")
    form = rep.locator("[data-testid=submit-forecast]")
    form.locator("input[name=commit]").fill("80000")
    form.locator("input[name=best_case]").fill("120000")
    form.locator("input[name=note]").fill("两单本季签约")
    form.locator("button[type=submit]").click()
    rep.wait_for_selector("text=两单本季签约")
    screenshot(rep, "forecast-call-rep")

    manager = login(new_page(), org.manager_east.username)
    manager.goto(f"/analytics/forecast/submissions/?period={label}")
    assert "80000" in manager.locator("[data-testid=rollup]").inner_text().replace(",", "")
    row = manager.locator("tr", has_text=org.rep_a.username)
    row.locator("input[name=commit]").fill("60000")
    row.locator("input[name=best_case]").fill("100000")
    row.locator("input[name=reason]").fill("客户预算推迟")
    row.locator("button[type=submit]").click()
    manager.wait_for_selector("text=客户预算推迟")
    screenshot(manager, "forecast-call-manager")
    submission = ForecastSubmission.objects.get(owner=org.rep_a, period_label=label)
    assert submission.commit == 80000  # the original stays
    adjustment = submission.adjustments.get()
    assert (adjustment.commit, adjustment.adjusted_by) == (60000, org.manager_east)
