"""Each role's dashboard in a browser, in Chinese, at desktop and phone width: the panels and their charts render,
nothing scrolls sideways at 375 px, and a click on a chart's bar (or a figure) opens the records behind it, whose
count and sum are the figure's. Screenshots: test-artifacts/screenshots/dashboard-<role>-<width>.png."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.org.models import Region

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PANELS = {"rep_a": "rep", "manager_east": "manager", "director": "director", "finance": "finance"}


@pytest.fixture
def signed_business(org):
    """Agreements of this month for two reps in two regions, and one of last year, each with its payment plan."""
    today = timezone.localdate()
    north, south = Region.objects.create(name="华北"), Region.objects.create(name="华南")
    make_agreement(org.rep_a, amount="120000.00", signed_on=today.replace(day=1), region=north)
    make_agreement(org.rep_a, amount="30000.00", signed_on=today.replace(day=1), region=south)
    make_agreement(org.rep_b, amount="50000.00", signed_on=today.replace(day=1), region=south)
    make_agreement(org.rep_a, amount="8000.00", signed_on=today.replace(year=today.year - 1, day=1), region=north)
    return today


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["1366px", "375px"])
@pytest.mark.parametrize("who", list(PANELS))
def test_each_roles_dashboard_renders_its_charts(new_page, org, signed_business, who, viewport, name):
    page = login(new_page(viewport), getattr(org, who).username)
    page.wait_for_load_state("load")
    board = page.locator(f"[data-testid=dashboard-{PANELS[who]}]")
    assert board.count() == 1
    page.wait_for_function("document.querySelectorAll('[data-chart] .main-svg').length > 0")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 1
    assert page.locator("[data-chart] .main-svg").count() >= charts.count()
    assert "Server Error" not in page.title()
    if viewport["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"dashboard-{PANELS[who]}-{name}")


def test_a_director_clicks_a_region_bar_and_reads_its_agreements(new_page, org, signed_business):
    page = login(new_page(DESKTOP), org.director.username)
    page.wait_for_function("document.querySelectorAll('[data-chart=by-region] .bars path').length > 0")
    panel = page.locator("[data-testid=panel-by-region]")
    assert "华南" in panel.inner_text() and "华北" in panel.inner_text()
    # The table under the chart and the chart's own bars lead to the same records; click the bar of 华南.
    bars = page.locator("[data-chart=by-region] .trace.bars").first.locator("path")
    labels = page.evaluate("Array.from(document.querySelectorAll('[data-chart=by-region] .xtick text'), "
                           "(t) => t.textContent)")
    bars.nth(labels.index("华南")).scroll_into_view_if_needed()
    box = bars.nth(labels.index("华南")).bounding_box()  # Plotly's drag layer takes the click at the bar's place
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # hover first: Plotly picks the
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # point on hover
    page.wait_for_url(re.compile(r"/insights/records/signed/"))
    assert page.locator("[data-testid=records-count]").inner_text() == "2"
    assert page.locator("[data-testid=records-sum]").inner_text() == "¥80,000.00"
    screenshot(page, "dashboard-records-desktop")


def test_a_rep_follows_this_periods_signed_figure_on_a_phone(new_page, org, signed_business):
    page = login(new_page(PHONE), org.rep_a.username)
    figure = page.locator("[data-testid=panel-period] a[data-testid=figure]").first
    assert "15万" in figure.inner_text()  # 120,000 + 30,000 this quarter; rep_b's are not theirs
    figure.click()
    page.wait_for_url(re.compile(r"/insights/records/signed/"))
    assert page.locator("[data-testid=records-count]").inner_text() == "2"
    assert Decimal(page.locator("[data-testid=records-sum]").inner_text().strip("¥").replace(",", "")) == 150000
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-records-phone")
