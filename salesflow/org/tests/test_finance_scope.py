"""Finance reads customer master data (read-only) and nothing of the pipeline; it creates no pipeline record
through any door (web page, API)."""

import json

import pytest

from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity
from salesflow.testing.factories import make_customer


@pytest.fixture
def records(org):
    customer = make_customer(org.rep_a, name="财务可见有限公司")
    lead = Lead.objects.create(company="财务不可见线索", phone="13200000000", owner=org.rep_a, team=org.rep_a.team)
    opportunity = services.open_opportunity(actor=org.rep_a, customer=customer, subject="财务不可见商机")
    return customer, lead, opportunity


def test_finance_reads_customers_but_cannot_change_them(org, records, client_for):
    customer, _lead, _opp = records
    client = client_for(org.finance)
    assert "财务可见有限公司" in client.get("/customers/").content.decode()
    assert client.get(f"/customers/{customer.pk}/").status_code == 200
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 403
    api = client.get("/api/v1/customers/")
    assert api.status_code == 200 and api.json()["count"] == 1


def test_finance_sees_no_pipeline_details_leads_or_pool(org, records, client_for):
    _customer, lead, opportunity = records
    client = client_for(org.finance)
    assert "财务不可见商机" not in client.get("/opportunities/").content.decode()
    assert "财务不可见商机" not in client.get("/opportunities/kanban/").content.decode()
    assert client.get(f"/opportunities/{opportunity.pk}/").status_code == 404
    assert client.get(f"/api/v1/opportunities/{opportunity.pk}").status_code == 404
    assert client.get("/api/v1/opportunities/").json()["count"] == 0
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    assert client.get("/api/v1/leads/").json()["count"] == 0
    assert client.get("/customers/pool/").status_code == 403


def test_finance_creates_no_pipeline_record_through_any_door(org, records, client_for):
    customer, _lead, _opp = records
    client = client_for(org.finance)
    counts = (Customer.objects.count(), Lead.objects.count(), Opportunity.objects.count())
    assert client.get(f"/opportunities/new/?customer={customer.pk}").status_code == 403
    assert client.post(f"/opportunities/new/?customer={customer.pk}", {
        "customer": customer.pk, "subject": "财务商机", "amount": "1", "expected_close_date": "2031-01-01",
        "type": "new_business", "priority": "medium", "forecast_category": "pipeline"}).status_code == 403
    assert client.post("/api/v1/opportunities/", json.dumps({"customer_id": customer.pk, "subject": "财务商机"}),
                       content_type="application/json").status_code == 403
    assert client.get("/leads/new/").status_code == 403
    assert client.post("/leads/new/", {"company": "财务线索", "phone": "13100000000"}).status_code == 403
    assert client.post("/api/v1/leads/", json.dumps({"company": "财务线索", "contact_name": "x", "phone": "131"}),
                       content_type="application/json").status_code == 403
    assert client.get("/customers/new/").status_code == 403
    assert client.post("/customers/new/", {"name": "财务客户有限公司"}).status_code == 403
    assert client.post("/api/v1/customers/", json.dumps({"name": "财务客户有限公司"}),
                       content_type="application/json").status_code == 403
    assert (Customer.objects.count(), Lead.objects.count(), Opportunity.objects.count()) == counts
