"""Planning a year down to reps as the director (create the plan, split over time, split over the organisation down
to every rep, approve) at 1366 px, then reading completion as a rep at 375 px: the home tile and the completion
page. No page scrolls sideways at phone width; screenshots in test-artifacts/screenshots/targets-*.png."""

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.performance.models import TargetPlan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_director_plans_the_year_down_to_reps_and_a_rep_reads_completion_on_a_phone(new_page, org):
    today = timezone.localdate()
    director = login(new_page(DESKTOP | {"width": 1366}), org.director.username)
    director.goto("/performance/targets/")
    form = director.locator("[data-testid=plan-create]")
    form.locator("input[name=year]").fill(str(today.year))
    form.locator("input[name=total]").fill("1200000")
    form.locator("button[type=submit]").click()
    director.wait_for_url("**/performance/targets/*/")
    screenshot(director, "targets-desktop-1-created")
    director.locator("[data-testid=split-time] select[name=method]").select_option("seasonal")
    director.locator("[data-testid=split-time] button").click()
    director.wait_for_load_state("load")
    director.locator("[data-testid=split-org] select[name=method]").select_option("headcount")
    director.locator("[data-testid=split-org] button").click()
    director.wait_for_load_state("load")
    assert "每个上级都等于其下级之和" in director.locator("[data-testid=mismatch-count]").inner_text()
    screenshot(director, "targets-desktop-2-split")
    director.locator("[data-testid=approve]").click()
    director.wait_for_load_state("load")
    assert director.locator("[data-testid=plan-status]").inner_text().strip() == "已批准"
    screenshot(director, "targets-desktop-3-approved")
    assert TargetPlan.objects.get(year=today.year).status == "approved"

    make_agreement(org.rep_a, amount="60000.00", signed_on=today)
    rep = login(new_page(PHONE), org.rep_a.username)
    rep.goto("/")
    tile = rep.locator("[data-testid=target-tile]")
    assert "本季度目标完成率" in tile.inner_text() and "%" in tile.inner_text()
    no_sideways_scroll(rep)
    screenshot(rep, "targets-phone-4-home-tile")
    tile.click()
    rep.wait_for_url("**/performance/targets/completion/**")
    rows = rep.locator("[data-testid=completion-rows] tbody tr")
    assert rows.count() == 1
    assert "%" in rep.locator("[data-testid=completion-pct]").inner_text()
    no_sideways_scroll(rep)
    screenshot(rep, "targets-phone-5-completion")
    rep.goto(f"/performance/targets/{TargetPlan.objects.get(year=today.year).pk}/")
    no_sideways_scroll(rep)
    screenshot(rep, "targets-phone-6-plan")
