from salesflow.customers.models import Customer
from salesflow.testing.factories import make_customer


def test_filters_and_count(org, client_for):
    make_customer(org.rep_a, name="甲", industry="制造业")
    make_customer(org.rep_a, name="乙", industry="零售")
    make_customer(org.rep_b, name="丙", industry="制造业")
    body = client_for(org.rep_a).get("/api/v1/customers/?industry=制造业").json()
    assert body["count"] == 1 and body["items"][0]["name"] == "甲"
    assert client_for(org.director).get("/api/v1/customers/?industry=制造业").json()["count"] == 2


def test_bad_filter_is_422(org, client_for):
    response = client_for(org.rep_a).get("/api/v1/customers/?sort=password")
    assert response.status_code == 422


def test_pool_claim_and_return_via_api(org, client_for):
    pooled = make_customer(None, name="公海API客户")
    client = client_for(org.rep_a)
    assert [c["name"] for c in client.get("/api/v1/customers/pool").json()["items"]] == ["公海API客户"]
    assert client.post(f"/api/v1/customers/{pooled.pk}/claim").json()["owner_id"] == org.rep_a.pk
    assert client_for(org.rep_b).post(f"/api/v1/customers/{pooled.pk}/claim").status_code == 404
    response = client.post(f"/api/v1/customers/{pooled.pk}/return", {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    client.post(f"/api/v1/customers/{pooled.pk}/return", {"reason": "无需求"}, content_type="application/json")
    assert Customer.objects.get(pk=pooled.pk).owner is None


def test_manager_cannot_assign_outside_subtree_via_api(org, client_for):
    pooled = make_customer(None)
    response = client_for(org.manager_east).post(f"/api/v1/customers/{pooled.pk}/assign",
                                                 {"owner_id": org.rep_b.pk}, content_type="application/json")
    assert response.status_code == 403


def test_contacts_of_invisible_customer_are_404(org, client_for):
    other = make_customer(org.rep_b)
    assert client_for(org.rep_a).get(f"/api/v1/customers/{other.pk}/contacts").status_code == 404
