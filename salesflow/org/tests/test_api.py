from salesflow.core.api_schemas import MAX_PAGE_SIZE
from salesflow.customers.models import Customer
from salesflow.org.models import ApiToken, hash_token
from salesflow.org.services import issue_token
from salesflow.testing.factories import make_customer


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/customers/" in schema["paths"]
    assert "/api/v1/org/me" in schema["paths"]


def test_token_is_stored_hashed_and_authenticates(org, client):
    raw = issue_token(user=org.rep_a, name="script")
    stored = ApiToken.objects.get(user=org.rep_a)
    assert stored.token_hash == hash_token(raw)
    assert raw not in stored.token_hash and raw != stored.hint
    response = client.get("/api/v1/org/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "rep_a"


def test_revoked_or_wrong_token_is_401_with_json_message(org, client):
    raw = issue_token(user=org.rep_a, name="script")
    ApiToken.objects.get(user=org.rep_a).revoke()
    for token in (raw, "sf_not-a-token"):
        response = client.get("/api/v1/org/me", **bearer(token))
        assert response.status_code == 401
        assert response.json()["message"]


def test_list_returns_total_count_beside_the_page(org, client):
    for i in range(7):
        make_customer(org.rep_a, name=f"分页客户{i}")
    make_customer(org.rep_b, name="看不见的客户")
    raw = issue_token(user=org.rep_a, name="t")
    body = client.get("/api/v1/customers/?page=2&page_size=5", **bearer(raw)).json()
    assert body["count"] == 7
    assert body["page"] == 2
    assert len(body["items"]) == 2


def test_page_size_over_limit_is_a_clear_422(org, client):
    raw = issue_token(user=org.rep_a, name="t")
    response = client.get(f"/api/v1/customers/?page_size={MAX_PAGE_SIZE + 1}", **bearer(raw))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "page_size" and str(MAX_PAGE_SIZE) in error["message"]


def test_validation_error_names_the_field(org, client):
    raw = issue_token(user=org.rep_a, name="t")
    response = client.post("/api/v1/customers/", {"industry": "x"}, content_type="application/json", **bearer(raw))
    assert response.status_code == 422
    assert any(err["field"] == "name" for err in response.json()["errors"])


def test_rep_cannot_read_or_change_another_reps_record_through_the_api(org, client):
    other = make_customer(org.rep_b, name="B的客户")
    raw = issue_token(user=org.rep_a, name="t")
    assert client.get(f"/api/v1/customers/{other.pk}", **bearer(raw)).status_code == 404
    patch = client.patch(
        f"/api/v1/customers/{other.pk}", {"version": 1, "name": "篡改"}, content_type="application/json", **bearer(raw)
    )
    assert patch.status_code == 404
    other.refresh_from_db()
    assert other.name == "B的客户"


def test_session_api_call_requires_csrf_for_writes(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    response = client.post("/api/v1/customers/", {"name": "无CSRF"}, content_type="application/json")
    assert response.status_code == 403
    assert Customer.objects.filter(name="无CSRF").count() == 0


def test_users_endpoint_is_limited_to_managers_and_their_subtree(org, client_for):
    assert client_for(org.rep_a).get("/api/v1/org/users").status_code == 403
    names = {u["username"] for u in client_for(org.manager_east).get("/api/v1/org/users").json()["items"]}
    assert names == {"manager_east", "rep_a", "rep_a2"}
