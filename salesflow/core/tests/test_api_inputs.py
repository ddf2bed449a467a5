"""The API refuses bad input with a 422 that names the field, and never answers 500 (issue 8, "No 500 for any input";
issue 7, "every API validation error names its field", "constraint names never reach the user")."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from salesflow.core import db_errors
from salesflow.leads import services as lead_services
from salesflow.org.models import ApiToken
from salesflow.pipeline import services as pipeline_services
from salesflow.pipeline.models import Opportunity
from salesflow.testing.factories import make_customer

JSON = "application/json"


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def rep(org, client_for):
    return client_for(org.rep_a)


@pytest.fixture
def customer(org):
    return make_customer(org.rep_a, name="甲公司")


@pytest.fixture
def lead(org):
    return lead_services.create_lead(actor=org.rep_a, owner=org.rep_a, company="乙公司", phone="13800138000")


@pytest.fixture
def opportunity(org, customer):
    return pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject="项目")


@pytest.mark.parametrize("field", ["industry", "phone", "size", "credit_code", "name", "credit_limit"])
def test_patch_customer_with_null_for_a_field_is_422_naming_it(rep, customer, field):
    response = rep.patch(f"/api/v1/customers/{customer.pk}", {"version": customer.version, field: None},
                         content_type=JSON)
    assert response.status_code == 422
    assert fields_of(response) == [field]


def test_patch_customer_with_null_region_clears_it(rep, customer):
    response = rep.patch(f"/api/v1/customers/{customer.pk}", {"version": customer.version, "region_id": None},
                         content_type=JSON)
    assert response.status_code == 200 and response.json()["region_id"] is None


@pytest.mark.parametrize("field", ["title", "wechat", "phone", "company"])
def test_patch_lead_with_null_for_a_text_field_is_422_naming_it(rep, lead, field):
    response = rep.patch(f"/api/v1/leads/{lead.pk}", {"version": lead.version, field: None}, content_type=JSON)
    assert response.status_code == 422
    assert fields_of(response) == [field]


@pytest.mark.parametrize("field", ["expected_close_date", "amount", "subject", "starred"])
def test_patch_opportunity_with_null_is_422_naming_the_field(rep, opportunity, field):
    response = rep.patch(f"/api/v1/opportunities/{opportunity.pk}", {"version": opportunity.version, field: None},
                         content_type=JSON)
    assert response.status_code == 422
    assert fields_of(response) == [field]


@pytest.mark.parametrize("params", ["page=4611686018427387904", "page_size=4611686018427387904", "page=0"])
def test_a_huge_or_zero_page_is_422_naming_it(rep, customer, params):
    response = rep.get(f"/api/v1/customers/?{params}")
    assert response.status_code == 422
    assert fields_of(response) == [params.split("=")[0]]


def test_a_huge_id_in_the_path_is_422_not_500(rep):
    response = rep.get(f"/api/v1/customers/{2**70}")
    assert response.status_code == 422
    assert fields_of(response) == ["customer_id"]


def test_a_megabyte_name_is_422_naming_name(rep):
    response = rep.post("/api/v1/customers/", {"name": "x" * 1_000_000}, content_type=JSON)
    assert response.status_code == 422
    assert fields_of(response) == ["name"]


def test_a_body_over_the_upload_limit_is_413(rep):
    response = rep.post("/api/v1/customers/", {"name": "名" * 1_000_000}, content_type=JSON)
    assert response.status_code == 413


def test_a_text_longer_than_its_column_is_422(rep, lead):
    response = rep.patch(f"/api/v1/leads/{lead.pk}", {"version": lead.version, "wechat": "x" * 61},
                         content_type=JSON)
    assert response.status_code == 422 and fields_of(response) == ["wechat"]


def test_nul_characters_are_refused_in_bodies_and_queries(rep, customer):
    response = rep.patch(f"/api/v1/customers/{customer.pk}", {"version": customer.version, "industry": "a\x00b"},
                         content_type=JSON)
    assert response.status_code == 422 and fields_of(response) == ["industry"]
    response = rep.get("/api/v1/leads/?q=a%00b")
    assert response.status_code == 422 and fields_of(response) == ["q"]


def test_post_customers_transfer_reaches_the_transfer_route(org, client_for):
    mine = make_customer(org.rep_a)
    response = client_for(org.manager_east).post(
        "/api/v1/customers/transfer", {"customer_ids": [mine.pk], "owner_id": org.rep_a2.pk, "reason": "调岗"},
        content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json() == {"moved": 1}
    mine.refresh_from_db()
    assert mine.owner == org.rep_a2


@pytest.mark.parametrize("body", ['"convert"', "[]", '[{"create_opportunity": false}]', "42"])
def test_convert_refuses_a_body_that_is_not_an_object(rep, lead, body):
    response = rep.post(f"/api/v1/leads/{lead.pk}/convert", body, content_type=JSON)
    assert response.status_code == 422
    assert fields_of(response) == ["body"]
    lead.refresh_from_db()
    assert lead.converted_customer_id is None


def test_a_body_that_is_not_json_is_422_naming_body(rep, lead):
    response = rep.post(f"/api/v1/leads/{lead.pk}/convert", b"\x00{", content_type=JSON)
    assert response.status_code == 422 and fields_of(response) == ["body"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_close_dates_outside_2000_to_2100_are_refused_by_the_api(rep, customer, opportunity, day):
    response = rep.patch(f"/api/v1/opportunities/{opportunity.pk}",
                         {"version": opportunity.version, "expected_close_date": day}, content_type=JSON)
    assert response.status_code == 422 and fields_of(response) == ["expected_close_date"]
    response = rep.post("/api/v1/opportunities/", {"customer_id": customer.pk, "subject": "新",
                                                   "expected_close_date": day}, content_type=JSON)
    assert response.status_code == 422 and fields_of(response) == ["expected_close_date"]


def test_the_model_refuses_a_close_date_outside_the_business_range(opportunity):
    from django.core.exceptions import ValidationError

    opportunity.expected_close_date = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        opportunity.full_clean(exclude=["idempotency_key", "contacts", "competitors"])
    assert list(refused.value.message_dict) == ["expected_close_date"]


def test_unknown_fields_are_422_naming_them(rep, customer):
    response = rep.patch(f"/api/v1/customers/{customer.pk}",
                         {"version": customer.version, "owner_id": 1, "colour": "red"}, content_type=JSON)
    assert response.status_code == 422
    assert sorted(fields_of(response)) == ["colour", "owner_id"]
    customer.refresh_from_db()
    assert customer.version == 1


def test_a_business_rule_without_a_field_names_the_record_it_is_about(org, rep, opportunity):
    pipeline_services.lose_opportunity(actor=org.rep_a, opportunity=opportunity, reason=None,
                                       version=opportunity.version)
    opportunity.refresh_from_db()
    response = rep.post(f"/api/v1/opportunities/{opportunity.pk}/lose", {"version": opportunity.version},
                        content_type=JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rule"
    assert fields_of(response) == ["opportunity_id"]


def test_no_error_has_an_empty_field_or_all(rep, customer, lead):
    answers = [
        rep.get("/api/v1/analytics/forecast?period=nonsense"),
        rep.get("/api/v1/analytics/funnel?owner=999999"),
        rep.post("/api/v1/leads/", {"company": "无联系方式"}, content_type=JSON),
        rep.post(f"/api/v1/leads/{lead.pk}/status", {"status": "converted"}, content_type=JSON),
    ]
    for response in answers:
        assert response.status_code == 422, response.content
        assert all(field not in ("", "__all__") for field in fields_of(response)), response.json()
    assert fields_of(answers[0]) == ["period"]
    assert fields_of(answers[1]) == ["owner"]


def test_a_negative_amount_names_amount_not_the_constraint(org, opportunity):
    from django.core.exceptions import ValidationError

    opportunity.amount = -1
    with pytest.raises(ValidationError) as refused:
        opportunity.full_clean(exclude=["idempotency_key", "contacts", "competitors"])
    assert list(refused.value.message_dict) == ["amount"]
    assert "opportunity_amount_not_negative" not in str(refused.value)


def test_a_database_constraint_violation_is_described_by_field(opportunity):
    with pytest.raises(IntegrityError) as violation, transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(amount=-5)
    field, message = db_errors.describe(violation.value)
    assert field == "amount"
    assert "opportunity_amount_not_negative" not in message


def test_a_unique_column_violation_is_described_by_field(org):
    from salesflow.leads.models import LeadSource

    LeadSource.objects.create(name="展会A", channel="offline")
    with pytest.raises(IntegrityError) as violation, transaction.atomic():
        LeadSource.objects.create(name="展会A", channel="offline")
    field, message = db_errors.describe(violation.value)
    assert field == "name"
    assert "leads_leadsource" not in message


def test_the_api_answers_a_constraint_violation_with_422_naming_the_field(org, opportunity, rf):
    """Last resort for what slips past validation (a race): a real violation from the database, through the API's
    exception handling, gives a 422 for the field in the user's language, never a 500 or the constraint's name."""
    import json

    from django.utils import translation

    from salesflow.api import api

    with pytest.raises(IntegrityError) as violation, transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(amount=-5)
    request = rf.patch(f"/api/v1/opportunities/{opportunity.pk}")
    with translation.override("zh-hans"):
        response = api.on_exception(request, violation.value)
    body = json.loads(response.content)
    assert response.status_code == 422
    assert [e["field"] for e in body["errors"]] == ["amount"]
    assert "opportunity_amount_not_negative" not in response.content.decode()
    assert "金额" in body["message"]


def test_writes_without_credentials_or_with_a_revoked_token_are_401(org, client, customer):
    token, raw = ApiToken.issue(user=org.rep_a, name="cli")
    token.revoked_at = datetime.datetime.now(datetime.UTC)
    token.save()
    anonymous = client.post("/api/v1/customers/", {"name": "匿名"}, content_type=JSON)
    revoked = client.post("/api/v1/customers/", {"name": "匿名"}, content_type=JSON,
                          headers={"Authorization": f"Bearer {raw}"})
    assert (anonymous.status_code, revoked.status_code) == (401, 401)


def test_a_signed_in_browser_write_without_csrf_is_still_refused(org):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org.rep_a)
    response = browser.post("/api/v1/customers/", {"name": "无令牌"}, content_type=JSON)
    assert response.status_code == 403


def test_the_schema_documents_every_error_status(client):
    schema = client.get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/customers/{customer_id}"]["patch"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(patch["responses"])
    body = schema["components"]["schemas"]["CustomerPatch"]
    assert body["additionalProperties"] is False
    assert body["properties"]["name"]["maxLength"] == 200
    assert body["properties"]["industry"]["type"] == "string"  # not nullable
    assert "null" in str(body["properties"]["region_id"])  # nullable: no region
