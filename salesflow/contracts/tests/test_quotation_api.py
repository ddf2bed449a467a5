from decimal import Decimal

from salesflow.contracts.models import Quotation

from .quotation_factories import make_opportunity, make_product, make_quotation

D = Decimal
BASE = "/api/v1/contracts/quotations/"


def _create(client, opportunity, **lines):
    product = make_product(list_price=D("100.00"), tax_rate=D("13"))
    line = {"product_id": product.pk, "quantity": "3", "discount_rate": "10", **lines}
    return client.post(BASE, {"opportunity_id": opportunity.pk, "valid_until": "2100-01-01", "terms": "预付 30%",
                              "lines": [line]}, content_type="application/json")


def test_rep_creates_a_quotation_through_the_api_with_totals_to_the_cent(org, client_for):
    client = client_for(org.rep_a)
    response = _create(client, make_opportunity(org.rep_a), unit_price="33.33")
    assert response.status_code == 201, response.content
    body = response.json()
    # 3 × 33.33 = 99.99, −10% = 89.991 -> 89.99, tax 11.6987 -> 11.70
    assert (body["subtotal"], body["discount_total"], body["tax_total"], body["total"]) == (
        "99.99", "10.00", "11.70", "101.69")
    assert body["status"] == "draft" and body["lines"][0]["amount"] == "89.99"
    assert client.get(f"{BASE}{body['id']}").json()["total"] == "101.69"
    assert [q["id"] for q in client.get(BASE).json()["items"]] == [body["id"]]


def test_send_with_a_discount_beyond_the_role_maximum_is_a_422_naming_the_field(org, client_for):
    client = client_for(org.rep_a)
    quotation = _create(client, make_opportunity(org.rep_a), discount_rate="12").json()
    response = client.post(f"{BASE}{quotation['id']}/send", {"version": quotation["version"]},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "discount_rate"
    approval = client.post(f"{BASE}{quotation['id']}/request-approval", {"version": quotation["version"]},
                           content_type="application/json")
    assert approval.status_code == 200 and approval.json()["status"] == "draft"


def test_send_accept_and_revise_through_the_api(org, client_for):
    client = client_for(org.rep_a)
    quotation = _create(client, make_opportunity(org.rep_a)).json()
    sent = client.post(f"{BASE}{quotation['id']}/send", {"version": quotation["version"]},
                       content_type="application/json").json()
    assert sent["status"] == "sent"
    revised = client.post(f"{BASE}{quotation['id']}/revise", {"version": sent["version"]},
                          content_type="application/json")
    assert revised.status_code == 201
    assert (revised.json()["revision"], revised.json()["previous_id"]) == (2, quotation["id"])
    stale = client.post(f"{BASE}{revised.json()['id']}/send", {"version": 99}, content_type="application/json")
    assert stale.status_code == 409
    new = revised.json()
    new = client.post(f"{BASE}{new['id']}/send", {"version": new["version"]}, content_type="application/json").json()
    accepted = client.post(f"{BASE}{new['id']}/accept", {"version": new["version"]}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Quotation.objects.get(pk=quotation["id"]).status == "sent"  # the old revision stays as it was


def test_finance_sees_no_quotations_and_cannot_create_one(org, client_for):
    quotation = make_quotation(org.rep_a)
    client = client_for(org.finance)
    assert client.get(BASE).json()["items"] == []
    assert client.get(f"{BASE}{quotation.pk}").status_code == 404
    assert _create(client, quotation.opportunity).status_code == 404  # the opportunity is not finance's to see


def test_other_rep_cannot_read_or_act_on_a_quotation(org, client_for):
    quotation = make_quotation(org.rep_a)
    client = client_for(org.rep_b)
    assert client.get(f"{BASE}{quotation.pk}").status_code == 404
    assert client.post(f"{BASE}{quotation.pk}/send", {"version": 1}, content_type="application/json").status_code == 404


def test_a_quotation_without_lines_is_refused(org, client_for):
    opportunity = make_opportunity(org.rep_a)
    response = client_for(org.rep_a).post(BASE, {"opportunity_id": opportunity.pk, "lines": []},
                                          content_type="application/json")
    assert response.status_code == 422
    assert not Quotation.objects.exists()
