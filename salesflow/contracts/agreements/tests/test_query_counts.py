"""Pinned SQL query counts of the agreement pages and API reads (2 and 20 records cost the same).

The detail page's figure includes the panels other apps register in ``agreement_sections`` (receivables' plan,
payments, invoices): when one is added, its queries are added here on purpose."""

import datetime
from decimal import Decimal

import pytest

from salesflow.contracts.agreements import services
from salesflow.org.models import ApiToken
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

from .factories import make_agreement

pytestmark = pytest.mark.django_db


def agreements_of(owner):
    def grow(n):
        for i in range(n):
            make_agreement(owner, customer=make_customer(owner), title=f"合同{i}", kind=("order", "contract")[i % 2])
    return grow


@pytest.fixture
def order(org):
    agreement = make_agreement(org.rep_a, kind="order", amount=Decimal(1))
    return services.submit_for_approval(agreement, actor=org.rep_a)


def children_of(org, agreement):
    """Lines (each delivered once), milestones and status history on one agreement."""
    def grow(n):
        for i in range(n):
            line = agreement.lines.create(position=i, description=f"品{i}", quantity=10, unit_price=1, amount=10)
            services.record_delivery(agreement, actor=org.rep_a, delivered_on=datetime.date(2026, 11, 5),
                                     quantities={line: 1})
            services.add_milestone(agreement, actor=org.rep_a, name=f"里程碑{i}", due_on=datetime.date(2026, 12, 1))
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/contracts/agreements/", 7),
    ("manager_east", "/contracts/agreements/", 9),
    ("director", "/contracts/agreements/?kind=order&period=2026-11", 7),
    ("finance", "/contracts/agreements/", 7),
])
def test_agreement_list_runs_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, agreements_of(org.rep_a), expected)


def test_agreement_detail_runs_a_fixed_number_of_queries(org, client_for, order):
    # 14 of its own + 7 of receivables' money panel + 1 of the follow-ups timeline
    assert_pinned(client_for(org.rep_a), f"/contracts/agreements/{order.pk}/", children_of(org, order), 22)


def test_customer_and_opportunity_sections_run_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    # money 3, timeline 1, follow-ups 1, visit plans 2, tasks 1
    assert_pinned(client_for(org.rep_a), f"/customers/{customer.pk}/",
                  lambda n: [make_agreement(org.rep_a, customer=customer) for _ in range(n)], 23)


@pytest.mark.parametrize(("path", "expected"), [("/api/v1/contracts/agreements/", 5)])
def test_agreement_api_list_runs_a_fixed_number_of_queries(org, client_for, path, expected):
    _token, raw = ApiToken.issue(user=org.manager_east, name="pin")
    assert_pinned(client_for(org.manager_east), path, agreements_of(org.rep_a), expected,
                  HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_agreement_api_detail_runs_a_fixed_number_of_queries(org, client_for, order):
    _token, raw = ApiToken.issue(user=org.rep_a, name="pin")
    assert_pinned(client_for(org.rep_a), f"/api/v1/contracts/agreements/{order.pk}", children_of(org, order), 3,
                  HTTP_AUTHORIZATION=f"Bearer {raw}")
