"""Pinned SQL query counts of the money pages and API reads (2 and 20 records cost the same)."""

import datetime

import pytest
from django.utils import timezone

from salesflow.contracts.receivables import services
from salesflow.testing.queries import assert_pinned

from .factories import make_agreement

TODAY = timezone.localdate()


def agreements_with_money(org, owner=None):
    owner = owner or org.rep_a

    def grow(n):
        for i in range(n):
            agreement = make_agreement(owner, amount="1000", signed_on=TODAY - datetime.timedelta(days=60),
                                       plan=[(TODAY - datetime.timedelta(days=10 + i), "400"),
                                             (TODAY + datetime.timedelta(days=20), "600")])
            services.record_payment(agreement, amount="100", received_on=TODAY, actor=org.finance)
            invoice = services.request_invoice(agreement, amount="500", type="normal", tax_rate=13, actor=owner)
            if i % 2:
                services.issue_invoice(invoice, number=f"N{agreement.pk}", issued_on=TODAY, actor=org.finance)
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/contracts/payments/", 5),
    ("finance", "/contracts/payments/", 5),
    ("rep_a", "/contracts/invoices/", 5),
    ("finance", "/contracts/invoices/", 5),
    # ageing: roll-up, edge months (by day), rep names (totals from the groups); DSO: open now, signed, paid later,
    # team names
    ("manager_east", "/contracts/receivables/", 13),
    ("director", "/contracts/receivables/?group_by=customer&as_of=2026-01-01", 9),  # a past date: + later payments
    ("finance", "/contracts/collections/", 5),  # one roll-up read for the year by month, one for the forecast
    ("director", "/contracts/collections/?by=product", 10),
    ("rep_a", "/api/v1/contracts/payments/", 4),
    ("finance", "/api/v1/contracts/invoices/", 4),
    ("director", "/api/v1/contracts/receivables/ageing?group_by=team", 5),
])
def test_money_page_query_counts_are_pinned(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, agreements_with_money(org), expected)


def test_agreement_money_panel_query_count_is_pinned(org, client_for):
    agreement = make_agreement(org.rep_a, amount="100000", plan=[(TODAY, "100000")])

    def grow(n):
        for _i in range(n):
            services.record_payment(agreement, amount="10", received_on=TODAY, actor=org.finance)
            services.request_invoice(agreement, amount="10", type="normal", tax_rate=13, actor=org.rep_a)
    assert_pinned(client_for(org.finance), f"/contracts/agreements/{agreement.pk}/money/", grow, 11)


def test_customer_360_money_sections_query_count_is_pinned(org, client_for):
    agreement = make_agreement(org.rep_a, amount="100000", plan=[(TODAY - datetime.timedelta(days=1), "100000")])

    def grow(n):
        for _i in range(n):
            services.record_payment(agreement, amount="10", received_on=TODAY, actor=org.finance)
    # 19: the customer page, its pipeline section, the contracts section (+3) and money's two sections (+3)
    # 23: field work +4 (follow-ups 1, visit plans 2, tasks 1)
    assert_pinned(client_for(org.rep_a), agreement.customer.get_absolute_url(), grow, 23)
