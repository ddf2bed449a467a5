"""Pinned SQL query counts of every pipeline page, analytics page and API read (2 and 20 records cost the same).

If a change adds a query on purpose, update the pin here; if the figure differs between 2 and 20 records, it is an
N+1 and the fix belongs in the view, the analytics module or the queryset.
"""

import datetime

import pytest
from django.utils import timezone

from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def opportunities_of(org, owner=None):
    """Opportunities spread over the first two stages, with close dates in this quarter, a stage change each."""
    owner = owner or org.rep_a
    second = Pipeline.default().stages.get(order=2)
    close = timezone.localdate() + datetime.timedelta(days=3)

    def grow(n):
        for i in range(n):
            opportunity = services.open_opportunity(actor=owner, customer=make_customer(owner), subject=f"商机{i}",
                                                    amount=1000 + i, expected_close_date=close)
            if i % 2:
                services.move_stage(actor=org.manager_east, opportunity=opportunity, stage=second,
                                    override_reason="测试")
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/opportunities/", 13),
    ("manager_east", "/opportunities/", 15),
    ("director", "/opportunities/", 13),
    ("manager_east", "/opportunities/?status=tracking&sort=expected_close_date", 15),
    ("rep_a", "/opportunities/kanban/", 13),
    ("manager_east", "/opportunities/kanban/", 15),
    ("director", "/opportunities/stats/", 11),
])
def test_opportunity_lists_and_board_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, opportunities_of(org), expected)


def test_kanban_partial_runs_as_many_queries_as_the_board(org, client_for):
    assert_pinned(client_for(org.rep_a), "/opportunities/kanban/", opportunities_of(org), 12, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("director", "/analytics/funnel/", 11),
    ("manager_east", "/analytics/funnel/", 13),
    ("director", "/analytics/win-rates/", 15),
    ("director", "/analytics/forecast/", 13),
    ("manager_east", "/analytics/forecast/", 15),
    ("director", "/analytics/stalled/", 10),
    ("director", "/analytics/changes/", 9),
    ("manager_east", "/analytics/forecast/submissions/", 11),
])
def test_analytics_pages_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, opportunities_of(org), expected)


def opportunity_with_history(org):
    """One opportunity whose page lists stage changes and amount changes that grow with ``grow``."""
    opportunity = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="主商机",
                                            amount=1000)
    first, second = Pipeline.default().stages.filter(order__in=(1, 2)).order_by("order")

    def grow(n):
        for i in range(n):
            current = Opportunity.objects.get(pk=opportunity.pk)
            current = services.move_stage(actor=org.manager_east, opportunity=current,
                                          stage=second if current.stage == first else first, override_reason="测试")
            services.update_opportunity(actor=org.rep_a, opportunity=current, version=current.version,
                                        amount=2000 + i)
    return opportunity, grow


# +4: the contracts sections (quotations: its "New quotation" check and list; agreements); +1: the follow-ups timeline
@pytest.mark.parametrize(("who", "expected"), [("rep_a", 19), ("manager_east", 21)])
def test_opportunity_page_runs_a_fixed_number_of_queries(org, client_for, who, expected):
    opportunity, grow = opportunity_with_history(org)
    assert_pinned(client_for(getattr(org, who)), f"/opportunities/{opportunity.pk}/", grow, expected)


def test_opportunity_edit_and_new_pages_run_a_fixed_number_of_queries(org, client_for):
    opportunity, grow = opportunity_with_history(org)
    client = client_for(org.rep_a)
    assert_pinned(client, f"/opportunities/{opportunity.pk}/edit/", grow, 9)
    assert_pinned(client, f"/opportunities/new/?customer={opportunity.customer_id}", grow, 7)


@pytest.mark.parametrize(("who", "expected"), [("rep_a", 4), ("director", 4)])
def test_opportunity_api_list_runs_a_fixed_number_of_queries(org, client_for, who, expected):
    assert_pinned(client_for(getattr(org, who)), "/api/v1/opportunities/", opportunities_of(org), expected)


def test_opportunity_api_detail_and_pipelines_run_a_fixed_number_of_queries(org, client_for):
    opportunity, grow = opportunity_with_history(org)
    client = client_for(org.rep_a)
    assert_pinned(client, f"/api/v1/opportunities/{opportunity.pk}", grow, 4)
    assert_pinned(client, "/api/v1/opportunities/pipelines", grow, 4)


def test_pipeline_builders_add_rows(org):
    opportunities_of(org)(4)
    opportunity, grow = opportunity_with_history(org)
    grow(3)
    assert Opportunity.objects.filter(stage__order=2).count() == 2 + 1
    assert opportunity.stage_changes.count() >= 3
    assert opportunity.changes.count() == 3
