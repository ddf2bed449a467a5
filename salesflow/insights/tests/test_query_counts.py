"""Pinned SQL query count of the home page (dashboard tiles), 2 and 20 records of each kind cost the same."""

import re

import pytest

from salesflow.customers import services as customer_services
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def activity_of(org):
    """Customers, opportunities and audit entries of rep_a, which the home page counts and lists."""
    def grow(n):
        for i in range(n):
            customer = customer_services.create_customer(actor=org.rep_a, owner=org.rep_a, name=f"首页客户{i}有限公司")
            pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject=f"首页商机{i}", amount=10)
            make_customer(None)
    return grow


# The tiles and then each role's dashboard panels, each a few grouped queries whatever the number of records
# (salesflow/insights/dashboards/panels.py): a rep's 7 panels, a manager's 9, a director's 7 (two side-by-side
# comparisons of two grouped queries each, a forecast per division; the divisions read once), finance's 4. The
# ageing is two: its roll-up and the months a bucket edge cuts, read once for the overdue tile and the ageing panel
# together (once_per_scope).
@pytest.mark.parametrize(("who", "expected"), [("rep_a", 35), ("manager_east", 57), ("director", 40), ("finance", 25)])
def test_home_page_runs_a_fixed_number_of_queries(org, client_for, who, expected):
    assert_pinned(client_for(getattr(org, who)), "/", activity_of(org), expected)


def test_home_tile_shows_a_capped_count_past_the_setting(org, client_for, settings):
    settings.COUNT_CAP = 3
    for _ in range(5):
        make_customer(org.rep_a)
    page = client_for(org.rep_a).get("/").content.decode()
    assert re.search(r'data-testid="customer-count">\s*<span class="tile-value">3\+</span>', page)
