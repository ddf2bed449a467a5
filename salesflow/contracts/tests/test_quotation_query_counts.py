"""Pinned SQL query counts of the quotation pages and API reads (2 and 20 records cost the same)."""

from decimal import Decimal

import pytest

from salesflow.contracts.quotations import services
from salesflow.testing.queries import assert_pinned

from .quotation_factories import make_product, make_quotation


def quotations_of(owner):
    def grow(n):
        for _ in range(n):
            make_quotation(owner)
    return grow


def quotation_with_growing_lines(owner):
    quotation = make_quotation(owner)
    product = make_product()

    def grow(n):
        lines = [{"product": product, "quantity": Decimal(1 + i), "discount_rate": Decimal(2)}
                 for i in range(quotation.lines.count() + n)]
        services.update_quotation(quotation, actor=owner, version=None, lines=lines, valid_until=quotation.valid_until)
    return quotation, grow


def quotation_with_growing_revisions(owner):
    """The first revision's page lists every later revision."""
    state = {"latest": make_quotation(owner)}
    first = state["latest"]

    def grow(n):
        for _ in range(n):
            state["latest"] = services.revise_quotation(state["latest"], actor=owner)
    return first, grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/contracts/quotations/", 6),
    ("manager_east", "/contracts/quotations/", 8),
    ("director", "/contracts/quotations/?status=draft", 6),
    ("rep_a", "/api/v1/contracts/quotations/", 4),
])
def test_quotation_lists_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, quotations_of(org.rep_a), expected)


def test_quotation_page_and_api_detail_run_a_fixed_number_of_queries(org, client_for):
    client = client_for(org.rep_a)
    quotation, grow = quotation_with_growing_lines(org.rep_a)
    assert_pinned(client, f"/contracts/quotations/{quotation.pk}/", grow, 12)
    quotation, grow = quotation_with_growing_lines(org.rep_a)
    assert_pinned(client, f"/api/v1/contracts/quotations/{quotation.pk}", grow, 4)
    first, grow = quotation_with_growing_revisions(org.rep_a)
    assert_pinned(client, f"/contracts/quotations/{first.pk}/", grow, 12)
