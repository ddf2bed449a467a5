"""An opportunity may have no customer yet (an imported deal without an account): it shows as "account unknown"."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline
from salesflow.testing.factories import make_customer


@pytest.fixture
def unknown(org):
    """rep_a's deal whose account is not known, as the maven-crm import creates them."""
    pipeline = Pipeline.default()
    return Opportunity.objects.create(subject="无客户商机", owner=org.rep_a, team=org.rep_a.team, pipeline=pipeline,
                                      stage=pipeline.stages.order_by("order").first(), amount=500,
                                      expected_close_date=timezone.localdate() + datetime.timedelta(days=30))


@pytest.mark.parametrize("path", ["/opportunities/", "/opportunities/kanban/"])
def test_lists_show_account_unknown(unknown, client_for, path):
    html = client_for(unknown.owner).get(path).content.decode()
    assert "无客户商机" in html and "客户未知" in html


def test_detail_shows_account_unknown_without_a_customer_link(unknown, client_for):
    response = client_for(unknown.owner).get(f"/opportunities/{unknown.pk}/")
    assert response.status_code == 200
    assert 'data-testid="account-unknown">客户未知<' in response.content.decode()


def test_export_names_the_unknown_account(unknown, client_for):
    response = client_for(unknown.owner).get("/opportunities/?export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if "无客户商机" in r)
    assert "客户未知" in row


def test_api_gives_no_customer_id_and_says_account_unknown(unknown, client_for):
    body = client_for(unknown.owner).get(f"/api/v1/opportunities/{unknown.pk}").json()
    assert body["customer_id"] is None and body["customer_name"] == "客户未知"
    known = services.open_opportunity(actor=unknown.owner, customer=make_customer(unknown.owner, name="甲公司"),
                                      subject="有客户")
    listed = {o["id"]: o for o in client_for(unknown.owner).get("/api/v1/opportunities/").json()["items"]}
    assert listed[known.pk]["customer_name"] == "甲公司" and listed[unknown.pk]["customer_name"] == "客户未知"


def test_winning_a_deal_without_a_customer_records_no_last_deal(unknown):
    won = services.win_opportunity(actor=unknown.owner, opportunity=unknown)
    assert won.status == "won" and won.customer is None


def test_web_form_still_requires_a_customer(org, client_for):
    from salesflow.pipeline.forms import OpportunityForm

    form = OpportunityForm({"subject": "x", "amount": "1", "type": "new_business", "priority": "normal"},
                           user=org.rep_a)
    assert not form.is_valid() and "customer" in form.errors
