"""One door per rule for leads: reachability in the model, the public form's repeat submissions, the lifecycle."""

import json
import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from salesflow.core.models import Notification
from salesflow.leads import services
from salesflow.leads.models import Lead
from salesflow.testing.factories import make_customer


def make_lead(owner, **extra):
    extra.setdefault("company", "可达公司")
    extra.setdefault("phone", "13700000000")
    return Lead.objects.create(owner=owner, team=owner.team if owner else None, **extra)


def test_a_lead_without_any_way_to_reach_it_is_invalid_in_the_model(org):
    lead = Lead(company="无联系方式公司")
    with pytest.raises(ValidationError) as refused:
        lead.full_clean(exclude=["owner", "team"])
    assert "phone" in refused.value.message_dict


def test_an_api_patch_cannot_blank_every_contact_field(org, client_for):
    lead = make_lead(org.rep_a, email="a@example.com")
    response = client_for(org.rep_a).patch(
        f"/api/v1/leads/{lead.pk}", json.dumps({"version": lead.version, "phone": "", "email": ""}),
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"
    lead.refresh_from_db()
    assert (lead.phone, lead.email) == ("13700000000", "a@example.com")


def started(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt="inbound-lead")


def test_a_repeat_public_submission_is_linked_to_the_existing_lead_on_page_and_api(org, client):
    lead = make_lead(org.rep_a, phone="13611112222", contact_name="周")
    page = client.post("/leads/inbound/", {"company": "再来公司", "contact_name": "周先生", "phone": "13611112222",
                                           "notes": "想要报价", "started": started()})
    assert page.status_code == 200
    api = client.post("/api/v1/leads/inbound", json.dumps(
        {"company": "再来公司", "contact_name": "周先生", "phone": "13611112222", "notes": "再问一次"}),
        content_type="application/json")
    assert api.status_code == 201 and api.json()["id"] == lead.pk
    assert Lead.objects.count() == 1
    lead.refresh_from_db()
    assert "想要报价" in lead.notes and "再问一次" in lead.notes
    assert Notification.objects.filter(recipient=org.rep_a, kind="lead_resubmitted").count() == 2


def test_a_new_lead_can_be_converted_as_the_lifecycle_says(org):
    lead = make_lead(org.rep_a)
    assert lead.status == Lead.Status.NEW and lead.can_become(Lead.Status.CONVERTED)
    converted = services.convert_lead(actor=org.rep_a, lead=lead, create_opportunity=False)
    assert converted.status == Lead.Status.CONVERTED


def test_a_disqualified_lead_cannot_be_converted_as_the_lifecycle_says(org):
    lead = make_lead(org.rep_a)
    services.change_status(actor=org.rep_a, lead=lead, status=Lead.Status.DISQUALIFIED, reason="无预算")
    lead.refresh_from_db()
    assert not lead.can_become(Lead.Status.CONVERTED)
    with pytest.raises(ValidationError):
        services.convert_lead(actor=org.rep_a, lead=lead, create_opportunity=False)


def test_a_refused_conversion_keeps_what_the_user_typed(org, client_for):
    make_customer(org.rep_b, name="撞名科技有限公司")
    lead = make_lead(org.rep_a, company="撞名科技有限公司")
    response = client_for(org.rep_a).post(f"/leads/{lead.pk}/convert/", {
        "create_opportunity": "on", "opportunity_subject": "我输入的商机名", "amount": "123456",
        "expected_close_date": "2031-03-04"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="我输入的商机名"' in html and 'value="123456"' in html and 'value="2031-03-04"' in html
    assert 'data-testid="convert-errors"' in html
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.NEW


def test_a_duplicate_check_names_only_the_owner_of_a_record_the_user_cannot_open(org, client_for):
    org.rep_b.display_name = "王小二"
    org.rep_b.save()
    theirs = make_customer(org.rep_b, name="隐秘科技有限公司", phone="13512345678")
    lead = make_lead(org.rep_a, company="隐秘科技有限公司", phone="13512345678")
    with pytest.raises(ValidationError) as refused:
        services.convert_lead(actor=org.rep_a, lead=lead, create_opportunity=False)
    message = " ".join(refused.value.messages)
    assert "王小二" in message and "隐秘科技" not in message and str(theirs.pk) not in message
    page = client_for(org.rep_a).get(f"/leads/{lead.pk}/").content.decode()
    assert "王小二" in page and f"/customers/{theirs.pk}/" not in page and f'value="{theirs.pk}"' not in page
    created = client_for(org.rep_a).post("/api/v1/customers/", json.dumps(
        {"name": "隐秘科技有限公司", "phone": "13512345678"}), content_type="application/json")
    assert created.status_code == 201 and created.json()["possible_duplicates"] == []
    # Their manager can open it, so the manager is shown the record itself and can resolve the duplicate.
    manager_page = client_for(org.manager_west).get("/customers/new/")
    assert manager_page.status_code == 200
    lead_b = make_lead(org.rep_b, company="隐秘科技有限公司", phone="13512345678")
    page = client_for(org.manager_west).get(f"/leads/{lead_b.pk}/").content.decode()
    assert f'value="{theirs.pk}"' in page
