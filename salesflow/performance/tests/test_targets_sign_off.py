"""A manager signs off his team's part of a draft plan (it must add up; reps' differing proposals must be reviewed);
the plan page shows "已确认 · who · when", and a change afterwards voids it; the director's approval names the team
parts not signed off (a warning, recorded with the approval) — through the services, the API and the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.core.models import AuditEntry
from salesflow.performance.models import TargetSignOff
from salesflow.performance.targets import services, signoff
from salesflow.testing.api_client import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def split(org, plan):
    services.split_org(actor=org.director, plan=plan, node="company", method="headcount", cascade=True)
    plan.refresh_from_db()
    return plan


def test_only_manager_led_teams_are_signed_off(org, split):
    from salesflow.performance.targets.tree import OrgTree

    assert set(signoff.signable_nodes(OrgTree.load())) == {f"team:{org.east.pk}", f"team:{org.west.pk}"}


def test_a_manager_signs_off_his_team_and_the_plan_page_says_by_whom_and_when(org, split, client_for):
    east = f"team:{org.east.pk}"
    response = client_for(org.manager_east).post(f"/performance/targets/{split.pk}/sign-off/",
                                                 {"node": east, "version": split.version})
    assert response.status_code == 302
    assert TargetSignOff.objects.get(plan=split, node=east).signed_by == org.manager_east
    assert AuditEntry.objects.filter(note="sign_off", changes__node=east).exists()
    page = client_for(org.director).get(f"/performance/targets/{split.pk}/").content.decode()
    assert "已确认 · manager_east" in page and "待 manager_west 确认" in page


def test_a_part_that_does_not_add_up_is_refused_naming_it(org, split):
    services.set_cell(actor=org.director, plan=split, node=f"user:{org.rep_a.pk}", period="2026", amount="1")
    with pytest.raises(ValidationError) as refused:
        signoff.sign_off_node(actor=org.manager_east, plan=split, node=f"team:{org.east.pk}")
    assert "East 无法确认" in str(refused.value) and "rep_a" in str(refused.value)


def test_differing_proposals_must_be_reviewed_before_signing_off(org, split):
    services.submit_proposal(actor=org.rep_a, plan=split, node=f"user:{org.rep_a.pk}", period="2026",
                             amount="999999")
    with pytest.raises(ValidationError) as refused:
        signoff.sign_off_node(actor=org.manager_east, plan=split, node=f"team:{org.east.pk}")
    assert set(refused.value.message_dict) == {"proposals_reviewed"} and "999999.00" in str(refused.value)
    done = signoff.sign_off_node(actor=org.manager_east, plan=split, node=f"team:{org.east.pk}",
                                 proposals_reviewed=True)
    assert done.open_gaps == 1


def test_a_manager_cannot_sign_off_another_team_nor_a_rep_his_own(org, split):
    with pytest.raises(PermissionDenied):
        signoff.sign_off_node(actor=org.manager_west, plan=split, node=f"team:{org.east.pk}")
    with pytest.raises(PermissionDenied):
        signoff.sign_off_node(actor=org.rep_b, plan=split, node=f"team:{org.west.pk}")
    with pytest.raises(ValidationError):
        signoff.sign_off_node(actor=org.director, plan=split, node=f"team:{org.east1.pk}")


def test_a_change_after_the_sign_off_voids_it(org, split, client_for):
    east = f"team:{org.east.pk}"
    signoff.sign_off_node(actor=org.manager_east, plan=split, node=east)
    assert not [s for s in signoff.unsigned_nodes(split) if s.node == east]
    services.split_time(actor=org.manager_east, plan=split, node=f"user:{org.rep_a.pk}", method="seasonal")
    services.split_org(actor=org.manager_east, plan=split, node=f"team:{org.east1.pk}", method="manual",
                       amounts={f"user:{org.rep_a.pk}": "0", f"user:{org.rep_a2.pk}": str(
                           services.cells(split)[(f"team:{org.east1.pk}", "2026")].amount)})
    stale = next(s for s in signoff.unsigned_nodes(split) if s.node == east)
    assert stale.stale and stale.signed_by == "manager_east"
    assert "manager_east 确认后已有改动" in client_for(org.director).get(
        f"/performance/targets/{split.pk}/").content.decode()


def test_approval_warns_naming_the_parts_not_signed_off_and_records_them(org, split, client_for):
    signoff.sign_off_node(actor=org.manager_east, plan=split, node=f"team:{org.east.pk}")
    page = client_for(org.director).get(f"/performance/targets/{split.pk}/").content.decode()
    assert 'data-testid="unsigned"' in page and "West" in page.split('data-testid="unsigned"')[1][:200]
    response = client_for(org.director).post(f"/performance/targets/{split.pk}/approve/", follow=True)
    assert "已批准，但以下团队的经理尚未确认其部分：West" in response.content.decode()
    split.refresh_from_db()
    assert split.status == "approved"
    entry = AuditEntry.objects.get(note="approve_plan", object_id=str(split.pk))
    assert entry.changes["not_signed_off"] == ["West (manager_west)"]


def test_the_api_signs_off_lists_sign_offs_and_approval_names_the_unsigned(org, split):
    east, west = f"team:{org.east.pk}", f"team:{org.west.pk}"
    signed = ApiClient(org.manager_east).post(f"/api/v1/performance/targets/plans/{split.pk}/sign-offs",
                                              {"node": east, "version": split.version})
    assert signed.status_code == 200 and signed.json()["current"] and signed.json()["signed_by"] == "manager_east"
    refused = ApiClient(org.manager_west).post(f"/api/v1/performance/targets/plans/{split.pk}/sign-offs",
                                               {"node": east})
    assert refused.status_code == 403
    listed = ApiClient(org.manager_east).get(f"/api/v1/performance/targets/plans/{split.pk}/sign-offs").json()
    assert [(s["node"], s["current"]) for s in listed] == [(east, True)]  # West is not in his part of the tree
    approved = ApiClient(org.director).post(f"/api/v1/performance/targets/plans/{split.pk}/approve", {})
    assert approved.status_code == 200 and approved.json()["not_signed_off"] == [west]
