from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.approvals import services
from salesflow.approvals.models import ApprovalRequest, ApprovalRule, ApprovalStep, ApproverRole
from salesflow.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def submit(document, amount, actor, **kwargs):
    return services.submit(document, kind="agreement", amount=Decimal(amount), actor=actor, **kwargs)


def approvers(request):
    return [(s.role, s.approver_id) for s in request.steps.order_by("position")]


def test_below_the_lowest_threshold_needs_no_approval(org, document):
    assert submit(document, "99999.99", org.rep_a) is None
    assert not ApprovalRequest.objects.exists()


def test_from_100000_the_team_manager_approves(org, document):
    request = submit(document, "100000", org.rep_a)
    assert approvers(request) == [("manager", org.manager_east.pk)]


def test_from_1000000_the_manager_then_a_director_approve(org, document):
    request = submit(document, "1200000", org.rep_a)
    assert approvers(request) == [("manager", org.manager_east.pk), ("director", None)]


def test_credit_flag_adds_a_director_after_the_amount_rules(org, document):
    assert approvers(submit(document, "500", org.rep_a, flags={"credit"})) == [("director", None)]
    services.withdraw(services.pending_for(document), actor=org.rep_a)
    request = submit(document, "200000", org.rep_a, flags={"credit"})
    assert approvers(request) == [("manager", org.manager_east.pk), ("director", None)]


def test_discount_needs_the_manager_at_any_amount(org, document):
    request = services.submit(document, kind="discount", amount=Decimal("1"), actor=org.rep_a)
    assert approvers(request) == [("manager", org.manager_east.pk)]


def test_manager_is_found_by_walking_up_past_the_owner_himself(org, hooks):
    from salesflow.testing import factories

    org.hq.manager = org.director
    org.hq.save()
    own = factories.make_customer(owner=org.manager_east)
    request = submit(own, "100000", org.manager_east)
    assert approvers(request) == [("manager", org.director.pk)]


def test_named_user_step_and_inactive_rule(org, document):
    ApprovalRule.objects.filter(kind="agreement").update(active=False)
    rule = ApprovalRule.objects.create(kind="agreement", min_amount=Decimal("10"))
    rule.steps.create(position=1, role=ApproverRole.USER, user=org.finance)
    assert approvers(submit(document, "100", org.rep_a)) == [("user", org.finance.pk)]


def test_director_cannot_decide_before_the_manager(org, document):
    request = submit(document, "1200000", org.rep_a)
    with pytest.raises(PermissionDenied):
        services.decide(request, actor=org.director, approve=True)
    services.decide(request, actor=org.manager_east, approve=True, comment="ok")
    request.refresh_from_db()
    assert request.current_step == 2 and request.status == "pending"
    services.decide(request, actor=org.director, approve=True)
    request.refresh_from_db()
    assert request.status == "approved"


def test_other_teams_manager_and_the_submitter_cannot_decide(org, document):
    request = submit(document, "100000", org.rep_a)
    for outsider in (org.manager_west, org.rep_a, org.rep_a2, org.finance):
        with pytest.raises(PermissionDenied):
            services.decide(request, actor=outsider, approve=True)
    assert request.steps.get().decision == "pending"


def test_admin_may_decide_any_step(org, document):
    request = submit(document, "1200000", org.rep_a)
    services.decide(request, actor=org.admin, approve=True)
    assert ApprovalRequest.objects.get().current_step == 2


def test_approve_calls_on_approved_once_at_the_last_step(org, document, hooks):
    request = submit(document, "1200000", org.rep_a)
    services.decide(request, actor=org.manager_east, approve=True)
    assert hooks.approved == []
    services.decide(request, actor=org.director, approve=True)
    assert hooks.approved == [(document.pk, org.director.pk)]
    assert hooks.rejected == []


def test_a_decided_request_cannot_be_decided_again(org, document, hooks):
    request = submit(document, "100000", org.rep_a)
    services.decide(request, actor=org.manager_east, approve=True)
    with pytest.raises(services.DecisionConflict):
        services.decide(request, actor=org.manager_east, approve=False, comment="changed my mind")
    assert hooks.approved == [(document.pk, org.manager_east.pk)] and hooks.rejected == []


def test_stale_version_is_refused(org, document):
    request = submit(document, "1200000", org.rep_a)
    seen = request.version
    services.decide(request, actor=org.manager_east, approve=True)
    with pytest.raises(services.DecisionConflict):
        services.decide(request, actor=org.admin, approve=True, version=seen)


def test_reject_ends_the_request_and_calls_on_rejected(org, document, hooks):
    request = submit(document, "1200000", org.rep_a)
    services.decide(request, actor=org.manager_east, approve=False, comment="价格太低")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert [s.decision for s in request.steps.order_by("position")] == ["rejected", "cancelled"]
    assert hooks.rejected == [(document.pk, org.manager_east.pk, "价格太低")]
    assert hooks.approved == []
    with pytest.raises(services.DecisionConflict):
        services.decide(request, actor=org.director, approve=True)


def test_reject_needs_a_comment(org, document):
    request = submit(document, "100000", org.rep_a)
    with pytest.raises(ValidationError) as err:
        services.decide(request, actor=org.manager_east, approve=False, comment=" ")
    assert "comment" in err.value.message_dict
    assert ApprovalStep.objects.get().decision == "pending"


def test_one_pending_request_per_document(org, document):
    submit(document, "100000", org.rep_a)
    with pytest.raises(ValidationError):
        submit(document, "200000", org.rep_a)


def test_withdraw_by_submitter_cancels_steps_and_calls_hook(org, document, hooks):
    request = submit(document, "100000", org.rep_a)
    with pytest.raises(PermissionDenied):
        services.withdraw(request, actor=org.rep_a2)
    services.withdraw(request, actor=org.rep_a)
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.steps.get().decision == "cancelled"
    assert hooks.withdrawn == [(document.pk, org.rep_a.pk)]
    assert services.pending_for(document) is None
    assert submit(document, "100000", org.rep_a) is not None  # may be submitted again


def test_notifications_go_to_next_approver_and_to_submitter(org, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(document, "1200000", org.rep_a)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [org.manager_east.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(request, actor=org.manager_east, approve=True)
    # the director step is a pool: every active director (and only directors) hears of it
    assert set(Notification.objects.filter(text__contains=document.name).values_list("recipient", flat=True)) == {
        org.manager_east.pk, org.director.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(request, actor=org.director, approve=True)
    outcome = Notification.objects.get(recipient=org.rep_a)
    assert outcome.kind == "approval" and document.name in outcome.text


def test_no_notification_when_the_transaction_rolls_back(org, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(document, "100000", org.rep_a)
    assert len(callbacks) == 1 and not Notification.objects.exists()


def test_history_rows_and_audit_entries(org, document):
    request = submit(document, "1200000", org.rep_a, note="急")
    services.decide(request, actor=org.manager_east, approve=True, comment="同意")
    services.decide(request, actor=org.director, approve=True, comment="批准")
    [only] = services.history(document)
    assert [(s.position, s.decided_by_id, s.decision, s.comment) for s in only.steps.all()] == [
        (1, org.manager_east.pk, "approved", "同意"), (2, org.director.pk, "approved", "批准")]
    assert all(s.decided_at for s in only.steps.all())
    notes = list(AuditEntry.for_object(document).filter(action="action").values_list("actor", "changes"))
    assert (org.manager_east.pk, {"approval": "approved", "step": 1, "comment": "同意"}) in notes
    assert (org.director.pk, {"approval": "approved", "step": 2, "comment": "批准"}) in notes
    assert any(changes.get("approval") == "submitted" for _actor, changes in notes)


def test_inbox_lists_only_current_steps_of_the_approver(org, document):
    request = submit(document, "1200000", org.rep_a)
    assert list(ApprovalStep.objects.awaiting(org.manager_east).values_list("request", flat=True)) == [request.pk]
    assert not ApprovalStep.objects.awaiting(org.director).exists()
    services.decide(request, actor=org.manager_east, approve=True)
    assert not ApprovalStep.objects.awaiting(org.manager_east).exists()
    assert list(ApprovalStep.objects.awaiting(org.director).values_list("request", flat=True)) == [request.pk]
    assert not ApprovalStep.objects.awaiting(org.rep_a).exists()


def test_an_approved_document_is_submitted_again_after_an_edit(org, document, hooks):
    first = submit(document, "100000", org.rep_a)
    assert not services.is_approved(document)
    services.decide(first, actor=org.manager_east, approve=True)
    assert services.is_approved(document)
    again = submit(document, "1500000", org.rep_a, note="金额变更")
    assert not services.is_approved(document) and services.pending_for(document) == again
    assert [r.pk for r in services.history(document)] == [again.pk, first.pk]
