"""Pinned SQL query counts of every customer page and API read (2 and 20 records must cost the same).

If a change adds a query on purpose, update the pin here; if the figure differs between 2 and 20 records, it is an
N+1 and the fix belongs in the view or queryset (select_related / prefetch_related / annotate).
"""

import pytest

from salesflow.customers.models import Contact, Customer, Tag
from salesflow.pipeline import services as pipeline_services
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned


def own_customers(owner):
    tag = Tag.objects.get_or_create(name="重点")[0]

    def grow(n):
        for _ in range(n):
            customer = make_customer(owner)
            customer.tags.add(tag)
            Contact.objects.create(customer=customer, name="王经理", phone="13800000000")
    return grow


def pool_customers(n):
    for _ in range(n):
        make_customer(None)


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/customers/", 11),
    ("manager_east", "/customers/", 14),
    ("director", "/customers/", 12),
    ("manager_east", "/customers/?q=客户&sort=-last_contact_at", 14),
    ("rep_a", "/customers/contacts/", 5),
])
def test_customer_lists_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, own_customers(org.rep_a), expected)


def test_pool_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.rep_a), "/customers/pool/", pool_customers, 8)


def customer_with_children(org):
    customer = make_customer(org.rep_a)

    def grow(n):
        for i in range(n):
            Contact.objects.create(customer=customer, name=f"联系人{i}", phone="13800000000")
            customer.tags.add(Tag.objects.create(name=f"标签{Tag.objects.count()}"))
            pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject=f"商机{i}", amount=100)
    return customer, grow


def test_customer_360_runs_a_fixed_number_of_queries(org, client_for):
    customer, grow = customer_with_children(org)
    # 13: the pipeline section also asks whether the user may open a deal for this customer
    # 13, +3 for the contracts section, +3 for the money sections (open total + overdue, open instalments, payments),
    # +1 for the follow-ups timeline, +2 for the visit plans section (upcoming, recent), +1 for the open tasks section
    assert_pinned(client_for(org.rep_a), f"/customers/{customer.pk}/", grow, 23)


def test_customer_edit_page_runs_a_fixed_number_of_queries(org, client_for):
    customer, grow = customer_with_children(org)
    assert_pinned(client_for(org.rep_a), f"/customers/{customer.pk}/edit/", grow, 8)


def test_new_customer_page_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.rep_a), "/customers/new/", own_customers(org.rep_a), 5)


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/api/v1/customers/", 4),
    ("director", "/api/v1/customers/", 4),
    ("rep_a", "/api/v1/customers/pool", 4),
])
def test_customer_api_lists_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    def grow(n):
        own_customers(org.rep_a)(n)
        pool_customers(n)
    assert_pinned(client_for(getattr(org, who)), path, grow, expected)


def test_customer_api_detail_and_contacts_run_a_fixed_number_of_queries(org, client_for):
    customer, grow = customer_with_children(org)
    client = client_for(org.rep_a)
    assert_pinned(client, f"/api/v1/customers/{customer.pk}", grow, 3)
    assert_pinned(client, f"/api/v1/customers/{customer.pk}/contacts", grow, 5)


def test_pins_see_every_customer_created(org):
    """The builders above really add rows (a pin over an empty page would prove nothing)."""
    own_customers(org.rep_a)(3)
    pool_customers(2)
    assert Customer.objects.filter(owner=org.rep_a).count() == 3
    assert Customer.objects.filter(owner=None).count() == 2
