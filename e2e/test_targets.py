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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP | {"width": 1366}], ids=["375", "1366"])
def test_a_director_splits_a_node_by_hand_seeing_what_is_left_to_allocate(new_page, org, viewport):
    from salesflow.performance.targets import services

    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1200000")
    width = viewport["width"]
    page = login(new_page(viewport), org.director.username)
    page.goto(f"/performance/targets/{plan.pk}/?period=2026")
    hand = page.locator("[data-testid=hand-open]")
    hand.locator("select[name=hand]").select_option("company")
    hand.locator("select[name=axis]").select_option("time")
    hand.locator("button").click()
    page.wait_for_selector("[data-testid=hand-form]")
    parts = page.locator("[data-testid=hand-form] [data-testid=part]")
    assert parts.count() == 4
    parts.nth(0).fill("500000")  # live: the server recomputes what is left as one types (htmx)
    page.wait_for_selector("[data-testid=hand-left] [data-left='-200000.00']")
    assert "待分配" in page.locator("[data-testid=hand-left]").inner_text()
    if width == PHONE["width"]:
        no_sideways_scroll(page)
    screenshot(page, f"targets-by-hand-{width}-1-left")
    page.locator("[data-testid=hand-save]").click()
    page.wait_for_load_state("load")
    assert "公司 2026" in page.locator("body").inner_text() and "-200000.00" in page.locator("body").inner_text()
    screenshot(page, f"targets-by-hand-{width}-2-refused")
    page.locator("[data-testid=hand-form] [data-testid=part]").nth(1).fill("100000")
    page.wait_for_selector("[data-testid=hand-left] [data-left='0']")
    page.locator("[data-testid=hand-save]").click()
    page.wait_for_load_state("load")
    assert str(services.cells(plan)[("company", "2026-Q1")].amount) == "500000.00"
    assert str(services.cells(plan)[("company", "2026-02")].amount) == "166666.67"
    if width == PHONE["width"]:
        no_sideways_scroll(page)
    screenshot(page, f"targets-by-hand-{width}-3-saved")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP | {"width": 1366}], ids=["375", "1366"])
def test_a_manager_enters_a_reps_quarter_per_customer_class_by_hand(new_page, org, viewport):
    from salesflow.performance.models import Target
    from salesflow.performance.targets import services

    plan = services.create_plan(actor=org.director, year=2026, measure="signed_amount", total="1200000",
                                dimension_kind="class")
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    node = f"user:{org.rep_b.pk}"
    quarter = services.cells(plan)[(node, "2026-Q2")].amount
    width = viewport["width"]
    page = login(new_page(viewport), org.manager_west.username)
    page.goto(f"/performance/targets/{plan.pk}/?period=2026-Q2")
    opener = page.locator("[data-testid=dimension-hand-open]")
    opener.locator("select[name=hand]").select_option(node)
    opener.locator("button").click()
    page.wait_for_selector("[data-testid=hand-form]")
    parts = page.locator("[data-testid=hand-form] [data-testid=part]")
    assert parts.count() == 3
    parts.nth(0).fill(str(quarter - 100))
    parts.nth(1).fill("-100")
    page.wait_for_selector("[data-testid=hand-left] [data-left='200.00']")
    page.locator("[data-testid=hand-save]").click()
    page.wait_for_load_state("load")
    assert "B（普通客户）：目标不能为负数" in page.locator("body").inner_text()
    if width == PHONE["width"]:
        no_sideways_scroll(page)
    screenshot(page, f"targets-by-class-{width}-1-refused")
    page.locator("[data-testid=hand-form] [data-testid=part]").nth(1).fill("60")
    page.locator("[data-testid=hand-form] [data-testid=part]").nth(2).fill("40")
    page.wait_for_selector("[data-testid=hand-left] [data-left='0']")
    page.locator("[data-testid=hand-save]").click()
    page.wait_for_selector("[data-testid=dimension-rows]")
    assert Target.objects.get(plan=plan, node=node, period="2026-Q2", dimension="class:C").amount == 40
    assert "¥60.00" in page.locator("[data-testid=dimension-rows]").inner_text()
    if width == PHONE["width"]:
        no_sideways_scroll(page)
    screenshot(page, f"targets-by-class-{width}-2-saved")
