import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.contracts.agreements import services
from salesflow.contracts.models import Agreement
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.testing.factories import make_customer

from .factories import make_agreement

S = Agreement.Status
pytestmark = pytest.mark.django_db


def test_create_numbers_by_kind_and_takes_team_from_owner(org):
    contract = make_agreement(org.rep_a)
    order = make_agreement(org.rep_a, kind="order")
    assert contract.number == "HT-202611-0001" and order.number == "DD-202611-0001"
    assert contract.team == org.east1 and contract.status == S.DRAFT
    assert [(c.from_status, c.to_status) for c in contract.status_changes.all()] == [("", "draft")]


def test_amount_is_the_sum_of_lines_with_discount_and_tax(org):
    agreement = make_agreement(org.rep_a, amount=Decimal(1), lines=[
        {"description": "服务器", "quantity": 2, "unit_price": "100.00", "discount_rate": 10, "tax_rate": 13},
        {"description": "安装", "quantity": 1, "unit_price": "50"}])
    assert agreement.amount == Decimal("253.40")  # 2×100×0.9×1.13 = 203.40, + 50
    assert agreement.lines.count() == 2


def test_finance_cannot_create_an_agreement(org):
    customer = make_customer(org.rep_a)
    with pytest.raises(PermissionDenied):
        services.create_agreement(actor=org.finance, data={"customer": customer, "amount": 1,
                                                           "signed_on": datetime.date(2026, 11, 2)})


def test_rep_cannot_create_on_another_reps_customer_or_for_another_rep(org):
    with pytest.raises(PermissionDenied):
        make_agreement(org.rep_a, customer=make_customer(org.rep_b))
    with pytest.raises(ValidationError) as error:
        make_agreement(org.rep_a, owner=org.rep_b)
    assert "owner" in error.value.message_dict


def test_given_number_is_kept_and_a_duplicate_is_refused_on_the_number_field(org):
    first = services.create_agreement(actor=org.rep_a, number="HT-OLD-1", data={
        "customer": make_customer(org.rep_a), "amount": 5, "signed_on": datetime.date(2020, 1, 1)})
    assert first.number == "HT-OLD-1"
    with pytest.raises(ValidationError) as error:
        services.create_agreement(actor=org.rep_a, number="HT-OLD-1", data={
            "customer": first.customer, "amount": 5, "signed_on": datetime.date(2020, 1, 1)})
    assert "number" in error.value.message_dict


def test_status_flow_submit_complete_and_terminate_needs_a_note(org):
    agreement = make_agreement(org.rep_a, amount=Decimal("5000"))
    agreement = services.submit_for_approval(agreement, actor=org.rep_a)
    assert agreement.status in (S.PENDING, S.ACTIVE)
    if agreement.status == S.PENDING:
        agreement = services.approve(agreement, org.manager_east)
    assert agreement.status == S.ACTIVE
    with pytest.raises(ValidationError):
        services.submit_for_approval(agreement, actor=org.rep_a)
    with pytest.raises(ValidationError) as error:
        services.change_status(agreement, S.TERMINATED, actor=org.rep_a)
    assert "note" in error.value.message_dict
    agreement = services.change_status(agreement, S.TERMINATED, actor=org.rep_a, note="客户破产")
    assert agreement.status == S.TERMINATED
    assert agreement.status_changes.last().note == "客户破产"
    with pytest.raises(ValidationError):
        services.change_status(agreement, S.COMPLETED, actor=org.rep_a)


def test_small_agreement_without_approval_rule_becomes_active_at_once(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("100")), actor=org.rep_a)
    assert agreement.status == S.ACTIVE
    assert list(agreement.status_changes.values_list("to_status", flat=True)) == ["draft", "pending", "active"]


def test_rejection_sends_it_back_to_draft(org):
    agreement = make_agreement(org.rep_a, amount=Decimal("100"))
    Agreement.objects.filter(pk=agreement.pk).update(status=S.PENDING)
    agreement.refresh_from_db()
    agreement = services.reject(agreement, org.manager_east, "价格太低")
    assert agreement.status == S.DRAFT and agreement.status_changes.last().note == "价格太低"


def test_material_edit_of_an_active_agreement_is_refused_unless_revised(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("100")), actor=org.rep_a)
    assert agreement.status == S.ACTIVE
    with pytest.raises(services.RevisionRequired):
        services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal("90")},
                                  version=agreement.version)
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("100") and agreement.status == S.ACTIVE
    # a non-material field is fine
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={"notes": "备注"},
                                          version=agreement.version)
    assert agreement.status == S.ACTIVE
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal("90")},
                                          version=agreement.version, revise=True)
    assert agreement.amount == Decimal("90")
    statuses = list(agreement.status_changes.values_list("to_status", flat=True))
    assert statuses[-3:-1] == ["draft", "pending"]  # went back through approval


def test_stale_version_is_refused(org):
    agreement = make_agreement(org.rep_a)
    services.update_agreement(agreement, actor=org.rep_a, data={"title": "一"}, version=agreement.version)
    with pytest.raises(StaleEditError):
        services.update_agreement(agreement, actor=org.rep_a, data={"title": "二"}, version=agreement.version)


def test_rep_cannot_update_another_reps_agreement(org):
    agreement = make_agreement(org.rep_b)
    with pytest.raises(PermissionDenied):
        services.update_agreement(agreement, actor=org.rep_a, data={"title": "x"}, version=agreement.version)


def test_credit_flag_when_outstanding_plus_amount_exceeds_limit(org):
    customer = make_customer(org.rep_a, credit_limit=Decimal("1000"))
    first = services.submit_for_approval(make_agreement(org.rep_a, customer=customer, amount=Decimal("600")),
                                         actor=org.rep_a)
    assert not first.credit_flagged
    if first.status == S.PENDING:
        services.approve(first, org.director)
    second = make_agreement(org.rep_a, customer=customer, amount=Decimal("500"))
    assert second.credit_flagged  # 600 outstanding + 500 > 1000
    third = make_agreement(org.rep_a, customer=make_customer(org.rep_a), amount=Decimal("10000000"))
    assert not third.credit_flagged  # no credit limit set


def test_delivery_more_than_ordered_is_refused_and_partial_deliveries_add_up(org):
    order = make_agreement(org.rep_a, kind="order", lines=[{"description": "螺丝", "quantity": 10,
                                                            "unit_price": 1}])
    order = services.submit_for_approval(order, actor=org.rep_a)
    line = order.lines.get()
    services.record_delivery(order, actor=org.rep_a, delivered_on=datetime.date(2026, 11, 5), quantities={line: 6})
    with pytest.raises(ValidationError) as error:
        services.record_delivery(order, actor=org.rep_a, delivered_on=datetime.date(2026, 11, 6),
                                 quantities={line.pk: 5})
    assert "4" in str(error.value)
    services.record_delivery(order, actor=org.rep_a, delivered_on=datetime.date(2026, 11, 6), quantities={line: 4})
    assert services.delivered_per_line(order) == {line.pk: Decimal(10)}
    assert AuditEntry.objects.filter(object_id=str(order.pk), changes__has_key="delivered").count() == 2


def test_milestone_accepted_only_after_done(org):
    agreement = make_agreement(org.rep_a)
    milestone = services.add_milestone(agreement, actor=org.rep_a, name="上线", due_on=datetime.date(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.mark_milestone(milestone, actor=org.rep_a, step="accepted")
    services.mark_milestone(milestone, actor=org.rep_a, step="done", on=datetime.date(2026, 12, 2))
    services.mark_milestone(milestone, actor=org.rep_a, step="accepted", on=datetime.date(2026, 12, 3))
    milestone.refresh_from_db()
    assert milestone.done_on and milestone.accepted_on == datetime.date(2026, 12, 3)


def test_new_agreement_gets_the_default_plan_which_follows_an_amount_change_before_payments(org):
    agreement = make_agreement(org.rep_a, amount=Decimal("1000"), payment_terms_days=30)
    assert [(i.due_on, i.amount) for i in agreement.instalments.all()] == [(datetime.date(2026, 12, 2),
                                                                            Decimal("1000"))]
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal("800")},
                                          version=agreement.version)
    assert [i.amount for i in agreement.instalments.all()] == [Decimal("800")]
    agreement.refresh_from_db()
    assert agreement.planned_amount == Decimal("800")


def test_prefill_from_won_opportunity_takes_the_accepted_quotations_lines_and_terms(org):
    from salesflow.contracts.models import Quotation
    from salesflow.pipeline import services as pipeline_services

    customer = make_customer(org.rep_a)
    opportunity = pipeline_services.open_opportunity(actor=org.rep_a, customer=customer, subject="报价商机",
                                                     amount=Decimal("999"))
    quotation = Quotation.objects.create(number="BJ-1", opportunity=opportunity, customer=customer, owner=org.rep_a,
                                         status="accepted", valid_until=datetime.date(2026, 12, 31),
                                         terms="预付30%", total=Decimal("226"))
    quotation.lines.create(description="服务", quantity=2, unit_price=100, tax_rate=13, amount=200, tax=26)
    data, lines = services.initial_from_opportunity(opportunity, "contract")
    assert data["quotation"] == quotation and data["amount"] == Decimal("226") and data["payment_terms"] == "预付30%"
    agreement = services.create_agreement(actor=org.rep_a, data=data, lines=lines)
    assert agreement.amount == Decimal("226.00") and agreement.opportunity == opportunity


def test_amount_of_an_agreement_with_lines_changes_only_through_its_lines(org):
    agreement = make_agreement(org.rep_a, lines=[{"description": "件", "quantity": 1, "unit_price": 10}])
    with pytest.raises(ValidationError) as error:
        services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal(99)}, version=agreement.version)
    assert "amount" in error.value.message_dict
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={}, version=agreement.version,
                                          lines=[{"description": "件", "quantity": 3, "unit_price": 10}])
    assert agreement.amount == Decimal("30.00")
