"""The "which customer?" step shared by plan a visit, record a follow-up and new contract / order."""

import pytest
from django.test import RequestFactory

from salesflow.customers.picking import PICK_LIMIT, customers_named, render_customer_pick
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def test_customers_named_lists_only_visible_matches_by_name_and_at_most_twenty(org):
    for i in range(PICK_LIMIT + 3):
        make_customer(org.rep_a, name=f"华南{i:02d}")
    make_customer(org.rep_b, name="华南别人的")
    make_customer(org.rep_a, name="华北")
    names = [c.name for c in customers_named(org.rep_a, "华南")]
    assert names == [f"华南{i:02d}" for i in range(PICK_LIMIT)]
    assert list(customers_named(org.rep_a, "")) == []


def test_render_customer_pick_searches_the_trimmed_query_and_renders_the_pages_template(org):
    make_customer(org.rep_a, name="东方制造")
    request = RequestFactory().get("/", {"q": "  东方  "})
    request.user = org.rep_a
    response = render_customer_pick(request, "activities/visits/pick_customer.html")
    body = response.content.decode()
    assert response.status_code == 200 and "东方制造" in body and 'value="东方"' in body
