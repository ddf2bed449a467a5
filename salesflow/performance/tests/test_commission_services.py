"""Commission plans and statements: tiers, accelerator, decelerator, cap, clawback, the approval flow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from salesflow.contracts.agreements import services as agreement_services
from salesflow.contracts.receivables import services as receivables
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.core.concurrency import StaleEditError
from salesflow.core.periods import parse_period
from salesflow.performance.commission import services
from salesflow.performance.models import CommissionPlan, CommissionStatement, StatementLine

from .commission_helpers import approve_target, make_plan, signed

OCT = parse_period("2026-10")
NOV = parse_period("2026-11")


def commission_of(statement):
    return sum((line.commission for line in statement.lines.filter(kind__in=["record", "cap"])), Decimal(0))


@pytest.mark.parametrize(("amount", "expected"), [
    ("99990.00", Decimal("2999.60")),   # 99.99%: 50,000 × 2% + 49,990 × 4%
    ("100000.00", Decimal("3000.00")),  # 100%: nothing in the accelerator tier yet
    ("100010.00", Decimal("3000.80")),  # 100.01%: the last 10 at 8%
    ("150000.00", Decimal("7000.00")),  # the accelerator: 50,000 × 8% above quota
])
def test_commission_exactly_at_each_tier_boundary_pays_each_slice_at_its_tier_rate(org, amount, expected):
    make_plan()
    approve_target(org.rep_a, "2026-10", 100000)
    signed(org.rep_a, amount)
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    assert commission_of(statement) == expected
    assert statement.base_pay == Decimal("7000.00") and statement.variable_target == Decimal("3000.00")
    assert statement.total == statement.base_pay + expected


def test_a_record_spanning_two_tiers_is_split_into_one_line_per_tier(org):
    make_plan()
    approve_target(org.rep_a, "2026-10", 100000)
    signed(org.rep_a, "40000", datetime.date(2026, 10, 1))
    agreement = signed(org.rep_a, "70000", datetime.date(2026, 10, 20))
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    lines = list(statement.lines.filter(agreement=agreement))
    assert [(line.amount, line.rate, line.tier_label) for line in lines] == [
        (Decimal("10000.00"), 2, "0%–50%"), (Decimal("50000.00"), 4, "50%–100%"),
        (Decimal("10000.00"), 8, "100%–∞")]
    assert statement.attainment == Decimal("110.00")


def test_decelerator_halves_every_rate_when_attainment_ends_below_the_threshold(org):
    make_plan(decelerator_below=50, factor="0.5")
    approve_target(org.rep_a, "2026-10", 100000)
    signed(org.rep_a, "40000")
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    assert commission_of(statement) == Decimal("400.00")  # 40,000 × 2% × 0.5
    assert all(line.rate == Decimal("1") for line in statement.lines.filter(kind="record"))


def test_decelerator_with_factor_zero_pays_nothing_and_does_not_apply_at_the_threshold(org):
    make_plan(decelerator_below=50, factor="0")
    approve_target(org.rep_a, "2026-10", 100000)
    approve_target(org.rep_a2, "2026-10", 100000)
    signed(org.rep_a, "49999")
    signed(org.rep_a2, "50000")
    assert commission_of(services.compute_statement(user=org.rep_a, period=OCT)) == 0
    assert commission_of(services.compute_statement(user=org.rep_a2, period=OCT)) == Decimal("1000.00")


def test_cap_limits_commission_to_a_multiple_of_the_variable_target_with_its_own_line(org):
    make_plan(cap=2)  # variable target 3,000 → cap 6,000
    approve_target(org.rep_a, "2026-10", 100000)
    signed(org.rep_a, "150000")  # earns 7,000
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    cap_line = statement.lines.get(kind="cap")
    assert cap_line.commission == Decimal("-1000.00")
    assert commission_of(statement) == Decimal("6000.00")


def test_a_statements_lines_add_up_to_its_total_to_the_cent(org):
    make_plan(tiers=[(0, "33.33", "1.7"), ("33.33", None, "3.3")], ote="3333.33", base=67)
    approve_target(org.rep_a, "2026-Q4", "99999.99")
    for i, amount in enumerate(["12345.67", "23456.78", "34567.89", "1.01"], start=1):
        signed(org.rep_a, amount, datetime.date(2026, 10, i))
    statement = services.compute_statement(user=org.rep_a, period=parse_period("2026-Q4"))
    lines = list(statement.lines.all())
    assert sum(line.commission for line in lines) == statement.total
    assert all(line.commission == line.commission.quantize(Decimal("0.01")) for line in lines)
    assert statement.base_pay == Decimal("6699.99")  # 3 × 3,333.33 × 67%, split by allocate


def test_without_an_approved_target_lines_say_no_target_set_and_pay_no_commission(org):
    make_plan()
    signed(org.rep_a, "50000")
    with translation.override("zh-hans"):
        statement = services.compute_statement(user=org.rep_a, period=OCT)
    line = statement.lines.get(kind="record")
    assert line.tier_label == "未设目标" and line.commission == 0 and statement.quota is None


def test_recomputing_a_draft_replaces_its_lines_and_a_confirmed_one_is_frozen(org):
    make_plan()
    approve_target(org.rep_a, "2026-10", 100000)
    signed(org.rep_a, "10000")
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    signed(org.rep_a, "20000")
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    assert statement.lines.filter(kind="record").count() == 2 and StatementLine.objects.count() == 3
    services.confirm_statement(statement=statement, actor=org.manager_east)
    with pytest.raises(ValidationError):
        services.compute_statement(user=org.rep_a, period=OCT)


def test_statement_is_confirmed_by_the_reps_manager_then_approved_by_finance_in_that_order_only(org):
    make_plan()
    statement = services.compute_statement(user=org.rep_a, period=OCT)
    for wrong in (org.rep_a, org.manager_west, org.finance):
        with pytest.raises(PermissionDenied):
            services.confirm_statement(statement=statement, actor=wrong)
    with pytest.raises(ValidationError):
        services.approve_statement(statement=statement, actor=org.finance)  # not confirmed yet
    statement = services.confirm_statement(statement=statement, actor=org.manager_east)
    with pytest.raises(PermissionDenied):
        services.approve_statement(statement=statement, actor=org.manager_east)
    with pytest.raises(ValidationError):
        services.confirm_statement(statement=statement, actor=org.manager_east)  # already confirmed
    statement = services.approve_statement(statement=statement, actor=org.finance)
    assert (statement.status, statement.confirmed_by, statement.approved_by) == ("approved", org.manager_east,
                                                                                 org.finance)
    from salesflow.core.models import AuditEntry
    actors = set(AuditEntry.objects.filter(object_id=str(statement.pk), content_type__model="commissionstatement")
                 .values_list("actor__username", flat=True))
    assert {"manager_east", "finance"} <= actors


def _approved(user, period, org):
    statement = services.compute_statement(user=user, period=period)
    services.confirm_statement(statement=statement, actor=org.manager_east)
    return services.approve_statement(statement=statement, actor=org.finance)


def test_a_reversed_payment_paid_on_earlier_is_clawed_back_once_in_the_next_statement(org):
    make_plan(basis=CommissionPlan.Basis.COLLECTED)
    approve_target(org.rep_a, "2026-10", 100000, measure="collected_amount")
    agreement = make_agreement(org.rep_a, amount="40000", signed_on=datetime.date(2026, 9, 1))
    payment = receivables.record_payment(agreement, amount=Decimal("40000"), received_on=datetime.date(2026, 10, 9),
                                         actor=None)
    october = _approved(org.rep_a, OCT, org)
    assert commission_of(october) == Decimal("800.00")
    receivables.reverse_payment(payment, reason="退票", actor=None)
    november = services.compute_statement(user=org.rep_a, period=NOV)
    clawback = november.lines.get(kind="clawback")
    assert clawback.commission == Decimal("-800.00") and clawback.payment_id == payment.pk
    assert f"#{payment.pk}" in clawback.note and "2026-10" in clawback.note
    assert november.lines.filter(kind="record").count() == 0  # the reversal row is not paid on a second time
    november = services.compute_statement(user=november.user, period=NOV)  # recomputing: still once
    assert november.lines.filter(kind="clawback").count() == 1
    _approved(org.rep_a, NOV, org) if november.status == "draft" else None
    december = services.compute_statement(user=org.rep_a, period=parse_period("2026-12"))
    assert not december.lines.filter(kind="clawback").exists()


def test_a_terminated_agreement_paid_on_earlier_is_clawed_back_once(org):
    make_plan()
    approve_target(org.rep_a, "2026-10", 100000)
    agreement = signed(org.rep_a, "60000")
    _approved(org.rep_a, OCT, org)
    agreement_services.change_status(agreement, "terminated", actor=None, note="客户违约")
    november = _approved(org.rep_a, NOV, org)
    clawbacks = list(november.lines.filter(kind="clawback"))
    assert sum(line.commission for line in clawbacks) == Decimal("-1400.00")  # 1,000 + 400 taken back
    assert all(agreement.number in line.note and "2026-10" in line.note for line in clawbacks)
    december = services.compute_statement(user=org.rep_a, period=parse_period("2026-12"))
    assert not december.lines.filter(kind="clawback").exists()


def test_plan_naming_a_person_wins_over_the_role_plan_and_effective_dates_use_the_periods_last_day(org):
    role_plan = make_plan()
    senior = make_plan(role="", members=[org.rep_a], name="senior", frm=datetime.date(2026, 10, 31))
    assert services.plan_for(org.rep_a, OCT.end) == senior
    assert services.plan_for(org.rep_a, datetime.date(2026, 10, 30)) == role_plan
    assert services.plan_for(org.rep_a2, OCT.end) == role_plan
    assert services.plan_for(org.manager_east, OCT.end) is None


def test_plan_validation_names_the_field_in_chinese(org):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        make_plan(tiers=[(0, 50, "2"), (60, None, "-1")], base=70)
    errors = caught.value.message_dict
    assert any("连续" in m for m in errors["tiers"]) and any("费率" in m for m in errors["tiers"])
    plan = CommissionPlan(name="x", role="rep", effective_from=datetime.date(2026, 1, 1), ote=1,
                          base_percent=Decimal(60), variable_percent=Decimal(30))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.save_plan(plan=plan, tiers=[(0, None, 1)])
    assert "100" in caught.value.message_dict["variable_percent"][0]
    assert "浮动" in caught.value.message_dict["variable_percent"][0]


def test_a_stale_plan_edit_is_refused(org):
    plan = make_plan()
    first, second = CommissionPlan.objects.get(pk=plan.pk), CommissionPlan.objects.get(pk=plan.pk)
    first.name = "A"
    services.save_plan(plan=first, tiers=[(0, None, 1)])
    second.name = "B"
    with pytest.raises(StaleEditError):
        services.save_plan(plan=second, tiers=[(0, None, 1)])
    assert CommissionPlan.objects.get(pk=plan.pk).name == "A"
    assert CommissionStatement.objects.count() == 0
