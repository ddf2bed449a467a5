"""Pinned SQL query counts of the follow-up pages, the timelines on other pages, and the API (2 and 20 rows cost
the same). The customer, opportunity, lead and agreement pages' figures include every app's sections: the
follow-ups timeline costs 1 query on each (the other apps' pins of those pages went up by 1)."""

from decimal import Decimal

import pytest

from salesflow.activities.tests.factories import make_activity
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.customers.models import Contact
from salesflow.leads.models import Lead
from salesflow.org.models import ApiToken
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned

pytestmark = pytest.mark.django_db


def followups_of(owner, **links):
    def grow(n):
        for i in range(n):
            customer = links.get("customer") or make_customer(owner)
            contact = Contact.objects.create(customer=customer, name=f"联系人{i}")
            make_activity(owner, customer, subject=f"跟进{i}", contact=contact,
                          **{k: v for k, v in links.items() if k != "customer"})
    return grow


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/activities/followups/", 6),
    ("manager_east", "/activities/followups/", 8),
    ("manager_east", "/activities/followups/?kind=call&q=客户&date_from=2020-01-01", 8),
])
def test_followup_list_runs_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, followups_of(org.rep_a), expected)


def test_followup_detail_runs_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    activity = make_activity(org.rep_a, customer)

    def edits(n):
        for i in range(n):
            activity.refresh_from_db()
            activity.subject = f"改{i}"
            activity.save()
    assert_pinned(client_for(org.rep_a), activity.get_absolute_url(), edits, 6)


def test_customer_page_with_its_follow_ups_runs_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    # 20 + 2 for the visit plans section (merged from act-visits)  # +1 open tasks section
    assert_pinned(client_for(org.rep_a), customer.get_absolute_url(), followups_of(org.rep_a, customer=customer), 23)


def test_opportunity_lead_and_agreement_pages_with_follow_ups_run_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    opportunity = open_opportunity(actor=org.rep_a, customer=customer, subject="项目", amount=Decimal(1))
    lead = Lead.objects.create(company="线索公司", owner=org.rep_a, team=org.east1)
    agreement = make_agreement(org.rep_a, customer=customer)
    client = client_for(org.rep_a)
    assert_pinned(client, opportunity.get_absolute_url(),
                  followups_of(org.rep_a, customer=customer, opportunity=opportunity), 19)
    assert_pinned(client, lead.get_absolute_url(), followups_of(org.rep_a, customer=customer, lead=lead), 10)
    assert_pinned(client, agreement.get_absolute_url(),
                  followups_of(org.rep_a, customer=customer, agreement=agreement), 20)


def test_followup_api_list_and_detail_run_a_fixed_number_of_queries(org, client_for):
    _token, raw = ApiToken.issue(user=org.manager_east, name="pin")
    client = client_for(org.manager_east)
    assert_pinned(client, "/api/v1/activities/followups/", followups_of(org.rep_a), 5,
                  HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_followup_delete_confirm_page_runs_a_fixed_number_of_queries(org, client_for):
    customer = make_customer(org.rep_a)
    activity = make_activity(org.rep_a, customer)
    assert_pinned(client_for(org.rep_a), f"/activities/followups/{activity.pk}/delete/",
                  followups_of(org.rep_a, customer=customer), 5)
