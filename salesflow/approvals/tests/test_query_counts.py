"""Pinned SQL query counts of the approval pages and API reads (2 and 20 records cost the same)."""

from decimal import Decimal

import pytest

from salesflow.approvals import services
from salesflow.approvals.models import ApprovalRule
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned, queries_of_get


def requests_of(org, *, decide=False):
    """n customers of rep_a submitted at 1.2M; with ``decide`` the manager approves each first step."""
    def grow(n):
        for _ in range(n):
            request = services.submit(make_customer(org.rep_a), kind="agreement", amount=Decimal("1200000"),
                                      actor=org.rep_a)
            if decide:
                services.decide(request, actor=org.manager_east, approve=True, comment="同意")
    return grow


@pytest.mark.parametrize(("who", "path", "decide", "expected"), [
    ("manager_east", "/approvals/", False, 7),  # +2 since field work: the manager's team subtree for the menu
    ("director", "/approvals/", True, 5),
    ("rep_a", "/approvals/mine/", False, 5),
    ("manager_east", "/approvals/?tab=decided", True, 7),  # +2 as above
    ("manager_east", "/api/v1/approvals/inbox", False, 5),
])
def test_approval_lists_run_a_fixed_number_of_queries(org, hooks, client_for, who, path, decide, expected):
    assert_pinned(client_for(getattr(org, who)), path, requests_of(org, decide=decide), expected)


def test_request_page_runs_a_fixed_number_of_queries(org, hooks, client_for):
    """A request with 2 steps and one with 20 (named users) cost the same."""
    client = client_for(org.admin)
    figures = []
    for n in (2, 20):
        ApprovalRule.objects.update(active=False)
        rule = ApprovalRule.objects.create(kind="quotation", min_amount=0)
        for i in range(n):
            rule.steps.create(position=i + 1, role="user", user=[org.director, org.finance, org.manager_west][i % 3])
        request = services.submit(make_customer(org.rep_a), kind="quotation", amount=Decimal(1), actor=org.rep_a)
        services.decide(request, actor=org.director, approve=True, comment="同意")
        figures.append(queries_of_get(client, f"/approvals/{request.pk}/"))
    assert figures == [5, 5]


def test_rules_page_runs_a_fixed_number_of_queries(org, client_for):
    def grow(n):
        for i in range(n):
            rule = ApprovalRule.objects.create(kind="discount", min_amount=i)
            rule.steps.create(position=1, role="user", user=org.director)
            rule.steps.create(position=2, role="director")
    assert_pinned(client_for(org.admin), "/approvals/rules/", grow, 6)


def test_api_request_detail_runs_a_fixed_number_of_queries(org, hooks, client_for):
    request = services.submit(make_customer(org.rep_a), kind="agreement", amount=Decimal("1200000"), actor=org.rep_a)
    assert queries_of_get(client_for(org.rep_a), f"/api/v1/approvals/{request.pk}") == 4
