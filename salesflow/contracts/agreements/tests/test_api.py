from decimal import Decimal

import pytest

from salesflow.contracts.agreements import services
from salesflow.contracts.models import Agreement
from salesflow.testing.api_client import ApiClient as Api
from salesflow.testing.factories import make_customer

from .factories import make_agreement

pytestmark = pytest.mark.django_db
BASE = "/api/v1/contracts/agreements/"


def test_create_with_lines_and_submit_at_once(org):
    customer = make_customer(org.rep_a)
    response = Api(org.rep_a).post(BASE, {
        "customer_id": customer.pk, "kind": "order", "signed_on": "2026-11-20", "submit": True,
        "lines": [{"description": "纸", "quantity": "10", "unit_price": "2.5"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "DD-202611-0001" and Decimal(body["amount"]) == Decimal("25.00")
    assert body["status"] == "active" and len(body["lines"]) == 1


def test_rep_cannot_read_or_change_another_reps_agreement_via_api(org):
    other = make_agreement(org.rep_b)
    api = Api(org.rep_a)
    assert api.get(f"{BASE}{other.pk}").status_code == 404
    assert other.number not in api.get(BASE).content.decode()
    assert api.patch(f"{BASE}{other.pk}", {"version": other.version, "title": "x"}).status_code == 404
    assert api.post(f"{BASE}{other.pk}/submit").status_code == 404


def test_stale_version_gets_409_and_material_change_of_active_needs_revise(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("100")), actor=org.rep_a)
    api = Api(org.rep_a)
    assert api.patch(f"{BASE}{agreement.pk}", {"version": agreement.version + 5, "title": "x"}).status_code == 409
    response = api.patch(f"{BASE}{agreement.pk}", {"version": agreement.version, "amount": "120"})
    assert response.status_code == 422 and response.json()["message"]
    response = api.patch(f"{BASE}{agreement.pk}", {"version": agreement.version, "amount": "120", "revise": True})
    assert response.status_code == 200 and Decimal(response.json()["amount"]) == Decimal("120")


def test_finance_reads_but_cannot_create(org):
    agreement = make_agreement(org.rep_a)
    api = Api(org.finance)
    assert api.get(f"{BASE}{agreement.pk}").status_code == 200
    assert api.post(BASE, {"customer_id": agreement.customer_id, "amount": "1"}).status_code == 403
    assert api.patch(f"{BASE}{agreement.pk}", {"version": agreement.version, "title": "x"}).status_code == 403


def test_status_deliveries_and_milestones(org):
    order = services.submit_for_approval(make_agreement(org.rep_a, kind="order", lines=[
        {"description": "灯", "quantity": 4, "unit_price": 10}]), actor=org.rep_a)
    line = order.lines.get()
    api = Api(org.rep_a)
    over = api.post(f"{BASE}{order.pk}/deliveries", {"delivered_on": "2026-11-10",
                                                     "lines": [{"line_id": line.pk, "quantity": "5"}]})
    assert over.status_code == 422 and over.json()["errors"]
    ok = api.post(f"{BASE}{order.pk}/deliveries", {"delivered_on": "2026-11-10",
                                                   "lines": [{"line_id": line.pk, "quantity": "4"}]})
    assert ok.status_code == 201
    assert api.get(f"{BASE}{order.pk}/deliveries").json()[0]["lines"] == {str(line.pk): "4.00"}
    milestone = api.post(f"{BASE}{order.pk}/milestones", {"name": "安装", "due_on": "2026-12-01"}).json()
    assert api.post(f"{BASE}{order.pk}/milestones/{milestone['id']}", {"step": "accepted"}).status_code == 422
    assert api.post(f"{BASE}{order.pk}/milestones/{milestone['id']}", {"step": "done"}).json()["done_on"]
    assert api.post(f"{BASE}{order.pk}/status", {"to": "terminated"}).status_code == 422
    assert api.post(f"{BASE}{order.pk}/status", {"to": "completed"}).json()["status"] == "completed"
    assert Agreement.objects.get(pk=order.pk).status == "completed"
