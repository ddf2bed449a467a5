import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.core.concurrency import StaleEditError
from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline, Reason
from salesflow.testing.factories import make_customer


@pytest.fixture
def opp(org):
    customer = make_customer(org.rep_a, name="商机客户")
    return services.open_opportunity(actor=org.rep_a, customer=customer, subject="ERP 项目", amount=100000)


def stages():
    return list(Pipeline.default().stages.order_by("order"))


def test_forward_move_needs_key_actions(org, opp):
    second = stages()[1]
    with pytest.raises(ValidationError, match="确认客户基本需求|key actions"):
        services.move_stage(actor=org.rep_a, opportunity=opp, stage=second)
    opp = services.update_opportunity(actor=org.rep_a, opportunity=opp, version=opp.version,
                                      completed_actions=list(opp.stage.key_actions))
    moved = services.move_stage(actor=org.rep_a, opportunity=opp, stage=second)
    assert moved.stage == second and moved.completed_actions == []
    change = moved.stage_changes.last()
    assert (change.from_stage, change.to_stage, change.overridden) == (stages()[0], second, False)


def test_manager_override_is_recorded_and_reps_cannot_override(org, opp):
    third = stages()[2]
    with pytest.raises(PermissionDenied):
        services.move_stage(actor=org.rep_a, opportunity=opp, stage=third, override_reason="客户很急")
    moved = services.move_stage(actor=org.manager_east, opportunity=opp, stage=third, override_reason="客户很急")
    change = moved.stage_changes.last()
    assert change.overridden and change.override_reason == "客户很急" and change.changed_by == org.manager_east


def test_backward_move_is_free(org, opp):
    services.move_stage(actor=org.manager_east, opportunity=opp, stage=stages()[2], override_reason="x")
    back = services.move_stage(actor=org.rep_a, opportunity=Opportunity.objects.get(pk=opp.pk), stage=stages()[0])
    assert back.stage == stages()[0]


def test_concurrent_moves_of_the_same_card_one_wins(org, opp):
    version = opp.version
    services.move_stage(actor=org.manager_east, opportunity=opp, stage=stages()[1], version=version,
                        override_reason="x")
    with pytest.raises(StaleEditError):
        services.move_stage(actor=org.manager_east, opportunity=opp, stage=stages()[3], version=version,
                            override_reason="y")
    assert Opportunity.objects.get(pk=opp.pk).stage == stages()[1]


def test_win_lose_reopen_history_and_reason_kind(org, opp):
    loss = Reason.objects.filter(kind="loss").first()
    with pytest.raises(ValidationError):
        services.win_opportunity(actor=org.rep_a, opportunity=opp, reason=loss)
    won = services.win_opportunity(actor=org.rep_a, opportunity=opp, reason=Reason.objects.filter(kind="win").first())
    assert won.status == "won" and won.closed_at and won.forecast_category == "closed"
    assert won.customer.last_deal_at is not None
    reopened = services.reopen_opportunity(actor=org.rep_a, opportunity=won)
    assert reopened.status == "tracking" and reopened.closed_at is None
    assert [c.to_status for c in reopened.stage_changes.all()] == ["tracking", "won", "tracking"]


def test_close_date_push_and_amount_change_are_history(org, opp):
    later = opp.expected_close_date + datetime.timedelta(days=30)
    updated = services.update_opportunity(actor=org.rep_a, opportunity=opp, version=opp.version,
                                          expected_close_date=later, amount=120000)
    assert updated.close_date_pushes == 1
    assert set(updated.changes.values_list("field", flat=True)) == {"amount", "expected_close_date"}


def test_open_opportunity_is_idempotent(org):
    customer = make_customer(org.rep_a)
    first = services.open_opportunity(actor=org.rep_a, customer=customer, subject="A", idempotency_key="k1")
    again = services.open_opportunity(actor=org.rep_a, customer=customer, subject="A", idempotency_key="k1")
    assert first.pk == again.pk and Opportunity.objects.count() == 1


def test_rep_cannot_see_or_move_others_opportunity(org, opp, client_for):
    client = client_for(org.rep_b)
    assert client.get(f"/opportunities/{opp.pk}/").status_code == 404
    assert client.post(f"/opportunities/{opp.pk}/move/", {"stage": stages()[1].pk}).status_code == 404
    assert "ERP 项目" not in client.get("/opportunities/").content.decode()
    with pytest.raises(PermissionDenied):
        services.win_opportunity(actor=org.rep_b, opportunity=opp)


def test_winning_a_deal_does_not_make_a_concurrent_customer_edit_stale(org, opp, client_for):
    """The customer edit form was opened before the deal was won; submitting it afterwards saves (no 409)."""
    from salesflow.customers.models import Customer
    from salesflow.testing.factories import customer_form_data

    data = customer_form_data(Customer.objects.get(pk=opp.customer_id), industry="制造")
    won = services.win_opportunity(actor=org.rep_a, opportunity=opp, version=opp.version)
    response = client_for(org.rep_a).post(f"/customers/{opp.customer_id}/edit/", data)
    assert response.status_code == 302
    customer = Customer.objects.get(pk=opp.customer_id)
    assert customer.industry == "制造" and customer.last_deal_at == won.closed_at


def test_an_older_win_does_not_move_last_deal_back(org, opp):
    from salesflow.customers.models import Customer

    services.win_opportunity(actor=org.rep_a, opportunity=opp, version=opp.version)
    latest = Customer.objects.get(pk=opp.customer_id).last_deal_at
    older = services.open_opportunity(actor=org.rep_a, customer=opp.customer, subject="旧单")
    services.win_opportunity(actor=org.rep_a, opportunity=older, version=older.version,
                             closed_at=latest - datetime.timedelta(days=30))
    assert Customer.objects.get(pk=opp.customer_id).last_deal_at == latest


def test_skipping_stages_needs_the_key_actions_of_every_skipped_stage(org, opp):
    first, second, third = stages()[:3]
    assert second.key_actions  # the default pipeline gives every stage key actions
    opp = services.update_opportunity(actor=org.rep_a, opportunity=opp, version=opp.version,
                                      completed_actions=list(first.key_actions))
    with pytest.raises(ValidationError) as refused:
        services.move_stage(actor=org.rep_a, opportunity=opp, stage=third)
    assert second.key_actions[0] in " ".join(refused.value.messages)
    assert Opportunity.objects.get(pk=opp.pk).stage == first
    with pytest.raises(PermissionDenied):
        services.move_stage(actor=org.rep_a, opportunity=opp, stage=third, override_reason="客户已签意向")
    moved = services.move_stage(actor=org.manager_east, opportunity=opp, stage=third, override_reason="客户已签意向")
    assert moved.stage == third and moved.stage_changes.last().overridden
