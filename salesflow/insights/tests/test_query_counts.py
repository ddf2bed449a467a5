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


# +2 for a seller: the "tasks due today" and "overdue tasks" tiles (finance has neither); +1: red alerts;
# +3 for a rep: "my rank" (the KPI, the company's reps, their signed amount in one grouped query);
# +1 for a rep or a manager: the target completion tile looks up their target (hidden without one)
# +1 for reps and managers: the commission tile looks for the plan in force (hidden without one)
@pytest.mark.parametrize(("who", "expected"), [("rep_a", 18), ("manager_east", 18), ("director", 14), ("finance", 10)])
def test_home_page_runs_a_fixed_number_of_queries(org, client_for, who, expected):
    assert_pinned(client_for(getattr(org, who)), "/", activity_of(org), expected)


def test_home_tile_shows_a_capped_count_past_the_setting(org, client_for, settings):
    settings.COUNT_CAP = 3
    for _ in range(5):
        make_customer(org.rep_a)
    page = client_for(org.rep_a).get("/").content.decode()
    assert re.search(r'data-testid="customer-count">\s*<span class="tile-value">3\+</span>', page)
