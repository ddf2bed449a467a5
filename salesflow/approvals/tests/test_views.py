import json
from decimal import Decimal

import pytest

from salesflow.approvals import services
from salesflow.approvals.models import ApprovalRequest, ApprovalRule
from salesflow.core.registry import tiles_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(org, document):
    """A 1,200,000 request of rep_a: manager_east, then a director."""
    return services.submit(document, kind="agreement", amount=Decimal("1200000"), actor=org.rep_a)


def test_inbox_shows_the_managers_pending_step(org, big, client_for):
    response = client_for(org.manager_east).get("/approvals/")
    assert response.status_code == 200
    assert big.document_repr in response.content.decode()
    assert big.document_repr not in client_for(org.director).get("/approvals/").content.decode()


def test_my_submissions_tab_lists_the_reps_requests(org, big, client_for):
    page = client_for(org.rep_a).get("/approvals/mine/").content.decode()
    assert big.document_repr in page
    assert big.document_repr not in client_for(org.rep_b).get("/approvals/mine/").content.decode()


def test_decided_tab_lists_what_i_decided(org, big, client_for):
    services.decide(big, actor=org.manager_east, approve=True, comment="好")
    page = client_for(org.manager_east).get("/approvals/?tab=decided").content.decode()
    assert big.document_repr in page


def test_approver_decides_through_the_form(org, big, hooks, client_for):
    client = client_for(org.manager_east)
    assert "Submit decision" in client.get(f"/approvals/{big.pk}/").content.decode() or \
        "提交决定" in client.get(f"/approvals/{big.pk}/").content.decode()
    response = client.post(f"/approvals/{big.pk}/decide/",
                           {"decision": "approve", "comment": "同意", "version": big.version})
    assert response.status_code == 302
    big.refresh_from_db()
    assert big.current_step == 2


def test_reject_without_comment_shows_the_form_again(org, big, client_for):
    response = client_for(org.manager_east).post(f"/approvals/{big.pk}/decide/",
                                                 {"decision": "reject", "comment": "", "version": big.version})
    assert response.status_code == 400
    big.refresh_from_db()
    assert big.status == "pending" and big.current_step == 1


def test_stale_decision_answers_409(org, big, client_for):
    seen = big.version
    services.decide(big, actor=org.manager_east, approve=True)
    response = client_for(org.admin).post(f"/approvals/{big.pk}/decide/",
                                          {"decision": "approve", "comment": "", "version": seen})
    assert response.status_code == 409
    assert ApprovalRequest.objects.get().current_step == 2


def test_decision_on_a_closed_request_answers_409(org, big, client_for):
    services.decide(big, actor=org.manager_east, approve=False, comment="不行")
    response = client_for(org.manager_east).post(f"/approvals/{big.pk}/decide/",
                                                 {"decision": "approve", "comment": "", "version": big.version})
    assert response.status_code == 409


def test_non_approver_gets_403_or_404_on_the_page(org, big, client_for):
    # the west manager does not oversee rep_a: he does not even see the request
    assert client_for(org.manager_west).get(f"/approvals/{big.pk}/").status_code == 404
    assert client_for(org.manager_west).post(f"/approvals/{big.pk}/decide/",
                                             {"decision": "approve", "version": big.version}).status_code == 404
    # the director sees it but the manager's step is not his
    assert client_for(org.director).post(f"/approvals/{big.pk}/decide/",
                                         {"decision": "approve", "version": big.version}).status_code == 403
    # the submitter sees his request but never decides it
    assert client_for(org.rep_a).post(f"/approvals/{big.pk}/decide/",
                                      {"decision": "approve", "version": big.version}).status_code == 403
    assert ApprovalRequest.objects.get().current_step == 1


def test_decision_needs_csrf(org, big):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.manager_east)
    response = client.post(f"/approvals/{big.pk}/decide/", {"decision": "approve", "version": big.version})
    assert response.status_code == 403
    assert ApprovalRequest.objects.get().current_step == 1


def test_submitter_withdraws_from_the_page(org, big, client_for):
    assert client_for(org.rep_a2).post(f"/approvals/{big.pk}/withdraw/").status_code == 404
    response = client_for(org.rep_a).post(f"/approvals/{big.pk}/withdraw/", {"version": big.version})
    assert response.status_code == 302
    assert ApprovalRequest.objects.get().status == "withdrawn"


def test_api_inbox_lists_the_callers_waiting_requests(org, big, client_for):
    body = client_for(org.manager_east).get("/api/v1/approvals/inbox").json()
    assert [item["id"] for item in body["items"]] == [big.pk]
    assert body["items"][0]["document_type"] == "customers.customer"
    assert body["items"][0]["amount"] == "1200000.00"
    assert client_for(org.director).get("/api/v1/approvals/inbox").json()["items"] == []


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_decide_approves_and_rejects(org, big, hooks, client_for):
    response = post_json(client_for(org.manager_east), f"/api/v1/approvals/{big.pk}/decide",
                         {"approve": True, "comment": "可以", "version": big.version})
    assert response.status_code == 200, response.content
    assert response.json()["current_step"] == 2
    response = post_json(client_for(org.director), f"/api/v1/approvals/{big.pk}/decide",
                         {"approve": False, "comment": "风险高"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert hooks.rejected == [(big.object_id, org.director.pk, "风险高")]


def test_api_non_approver_gets_403_or_404(org, big, client_for):
    assert post_json(client_for(org.manager_west), f"/api/v1/approvals/{big.pk}/decide",
                     {"approve": True}).status_code == 404
    response = post_json(client_for(org.director), f"/api/v1/approvals/{big.pk}/decide", {"approve": True})
    assert response.status_code == 403
    assert response.json()["message"]
    assert ApprovalRequest.objects.get().current_step == 1


def test_api_reject_without_comment_names_the_field(org, big, client_for):
    response = post_json(client_for(org.manager_east), f"/api/v1/approvals/{big.pk}/decide", {"approve": False})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "comment"


def test_api_stale_decision_answers_409(org, big, client_for):
    seen = big.version
    services.decide(big, actor=org.manager_east, approve=True)
    response = post_json(client_for(org.admin), f"/api/v1/approvals/{big.pk}/decide",
                         {"approve": True, "version": seen})
    assert response.status_code == 409
    assert response.json()["message"]


def test_home_tile_counts_my_waiting_steps(org, big):
    [tile] = [t for t in tiles_for(org.manager_east) if t.name == "approvals-awaiting"]
    assert tile.value == 1
    [tile] = [t for t in tiles_for(org.director) if t.name == "approvals-awaiting"]
    assert tile.value == 0
    assert not [t for t in tiles_for(org.rep_a) if t.name == "approvals-awaiting"]


def test_menu_offers_inbox_to_approvers_and_submissions_to_reps(org, client_for):
    manager_page = client_for(org.manager_east).get("/approvals/").content.decode()
    rep_page = client_for(org.rep_a).get("/approvals/mine/").content.decode()
    assert 'href="/approvals/"' in manager_page and 'href="/approvals/mine/"' not in manager_page.split("<main")[0]
    assert 'href="/approvals/mine/"' in rep_page.split("<main")[0]


def test_admin_edits_rules_and_others_may_not(org, client_for):
    assert client_for(org.director).get("/approvals/rules/").status_code == 403
    client = client_for(org.admin)
    assert client.get("/approvals/rules/").status_code == 200
    response = client.post("/approvals/rules/new/", {
        "name": "大单", "kind": "agreement", "min_amount": "5000000", "flag": "", "active": "on",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1", "steps-0-role": "user", "steps-0-user": str(org.admin.pk),
        "steps-1-position": "1", "steps-1-role": "manager", "steps-1-user": ""})  # the untouched extra row
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ApprovalRule.objects.get(name="大单")
    assert [(s.role, s.user_id) for s in rule.steps.all()] == [("user", org.admin.pk)]


def test_rule_with_named_role_but_no_user_is_refused(org, client_for):
    response = client_for(org.admin).post("/approvals/rules/new/", {
        "name": "x", "kind": "agreement", "min_amount": "1", "flag": "", "active": "on",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1", "steps-0-role": "user", "steps-0-user": ""})
    assert response.status_code == 400
    assert not ApprovalRule.objects.filter(name="x").exists()


def test_history_include_renders_the_documents_steps(org, big, document):
    from django.template import Context, Template

    services.decide(big, actor=org.manager_east, approve=True, comment="同意签")
    html = Template("{% load approvals_tags %}{% approval_history doc %}").render(Context({"doc": document}))
    assert "同意签" in html and str(org.manager_east) in html


def test_api_detail_shows_the_steps_to_those_who_may_see_it(org, big, client_for):
    body = client_for(org.rep_a).get(f"/api/v1/approvals/{big.pk}").json()
    assert [(s["position"], s["role"], s["approver_id"]) for s in body["steps"]] == [
        (1, "manager", org.manager_east.pk), (2, "director", None)]
    assert client_for(org.rep_b).get(f"/api/v1/approvals/{big.pk}").status_code == 404
