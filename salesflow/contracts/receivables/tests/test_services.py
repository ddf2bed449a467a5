import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesflow.contracts.models import Agreement, Instalment, Invoice, Payment, PaymentAllocation
from salesflow.contracts.receivables import services
from salesflow.core.models import AuditEntry

from .factories import make_agreement

D = Decimal
JAN = datetime.date(2026, 1, 1)


def plan_of(agreement):
    return [(i.sequence, i.due_on, i.amount, i.collected_amount) for i in agreement.instalments.order_by("sequence")]


def test_default_plan_is_one_instalment_due_after_the_payment_terms(org):
    agreement = make_agreement(org.rep_a, amount="5000", signed_on=datetime.date(2026, 3, 1), terms_days=45)
    assert plan_of(agreement) == [(1, datetime.date(2026, 4, 15), D("5000.00"), D("0.00"))]
    assert agreement.planned_amount == D("5000.00")


def test_plan_whose_sum_differs_from_the_amount_is_refused_naming_the_difference(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    with pytest.raises(ValidationError) as error:
        services.replace_plan(agreement, [{"due_on": JAN, "amount": "4000"}, {"due_on": JAN, "amount": "5999.99"}],
                              actor=org.rep_a)
    assert "0.01" in str(error.value)
    assert plan_of(agreement)[0][2] == D("10000.00")


def test_plan_is_replaced_and_numbered_by_due_date(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    services.replace_plan(agreement, [{"due_on": datetime.date(2026, 6, 1), "amount": "6000"},
                                      {"due_on": datetime.date(2026, 3, 1), "amount": "4000"}], actor=org.rep_a)
    assert plan_of(agreement) == [(1, datetime.date(2026, 3, 1), D("4000.00"), D("0.00")),
                                  (2, datetime.date(2026, 6, 1), D("6000.00"), D("0.00"))]
    assert AuditEntry.objects.filter(action="update", changes__has_key="payment_plan").exists()


def test_plan_cannot_drop_an_instalment_below_what_it_collected(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    services.record_payment(agreement, amount="3000", received_on=JAN, actor=org.finance)
    first = agreement.instalments.get()
    with pytest.raises(ValidationError, match="3,000.00"):
        services.replace_plan(agreement, [{"id": first.pk, "due_on": JAN, "amount": "2000"},
                                          {"due_on": JAN, "amount": "8000"}], actor=org.rep_a)
    with pytest.raises(ValidationError, match="第 1 期已有回款记录"):
        services.replace_plan(agreement, [{"due_on": JAN, "amount": "10000"}], actor=org.rep_a)
    services.replace_plan(agreement, [{"id": first.pk, "due_on": JAN, "amount": "3000"},
                                      {"due_on": datetime.date(2026, 2, 1), "amount": "7000"}], actor=org.rep_a)
    assert plan_of(agreement)[0][2:] == (D("3000.00"), D("3000.00"))


def test_rep_cannot_change_another_reps_plan(org):
    agreement = make_agreement(org.rep_a, amount="100")
    with pytest.raises(PermissionDenied):
        services.replace_plan(agreement, [{"due_on": JAN, "amount": "100"}], actor=org.rep_b)


def test_payment_is_allocated_oldest_due_first_and_totals_follow(org):
    agreement = make_agreement(org.rep_a, amount="10000", plan=[(datetime.date(2026, 5, 1), "6000"),
                                                              (datetime.date(2026, 2, 1), "4000")])
    payment = services.record_payment(agreement, amount="5000", received_on=JAN, actor=org.finance,
                                      reference="BANK-1")
    assert [(a.instalment.sequence, a.amount) for a in payment.allocations.order_by("instalment__sequence")] == [
        (1, D("4000.00")), (2, D("1000.00"))]
    agreement.refresh_from_db()
    assert agreement.collected_amount == D("5000.00")
    assert [row[3] for row in plan_of(agreement)] == [D("4000.00"), D("1000.00")]
    assert AuditEntry.objects.filter(object_id=str(payment.pk), action="create").exists()


def test_payment_allocated_to_chosen_instalments(org):
    agreement = make_agreement(org.rep_a, amount="10000", plan=[(datetime.date(2026, 2, 1), "4000"),
                                                              (datetime.date(2026, 5, 1), "6000")])
    second = agreement.instalments.get(sequence=2)
    services.record_payment(agreement, amount="2500", received_on=JAN, actor=org.finance,
                            allocate_to=[(second, D("2500"))])
    assert [row[3] for row in plan_of(agreement)] == [D("0.00"), D("2500.00")]


def test_over_collection_is_refused_with_the_outstanding_amount(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    services.record_payment(agreement, amount="9000", received_on=JAN, actor=org.finance)
    with pytest.raises(ValidationError) as error:
        services.record_payment(agreement, amount="1000.01", received_on=JAN, actor=org.finance)
    assert "1,000.00" in str(error.value) and "amount" in error.value.message_dict
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_payment_amount_must_be_positive(org, amount):
    agreement = make_agreement(org.rep_a)
    with pytest.raises(ValidationError):
        services.record_payment(agreement, amount=amount, received_on=JAN, actor=org.finance)


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.COMPLETED, Agreement.Status.TERMINATED])
def test_payment_only_on_an_active_agreement(org, status):
    agreement = make_agreement(org.rep_a, status=status)
    with pytest.raises(ValidationError, match="执行中的合约"):
        services.record_payment(agreement, amount="1", received_on=JAN, actor=org.finance)


def test_payment_retry_with_the_same_key_is_counted_once(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    first = services.record_payment(agreement, amount="3000", received_on=JAN, actor=org.finance,
                                    idempotency_key="k-1")
    again = services.record_payment(agreement, amount="3000", received_on=JAN, actor=org.finance,
                                    idempotency_key="k-1")
    assert again.pk == first.pk
    agreement.refresh_from_db()
    assert agreement.collected_amount == D("3000.00")
    assert Payment.objects.count() == 1


def test_payment_permissions(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    with pytest.raises(PermissionDenied):
        services.record_payment(agreement, amount="1", received_on=JAN, actor=org.rep_b)
    with pytest.raises(PermissionDenied):
        services.record_payment(agreement, amount="1", received_on=JAN, actor=org.manager_west)
    services.record_payment(agreement, amount="1", received_on=JAN, actor=org.rep_a)
    services.record_payment(agreement, amount="1", received_on=JAN, actor=org.manager_east)
    services.record_payment(agreement, amount="1", received_on=JAN, actor=org.finance)
    assert Payment.objects.count() == 3


def test_reversal_is_a_negative_row_that_restores_the_totals_once_only(org):
    agreement = make_agreement(org.rep_a, amount="10000", plan=[(datetime.date(2026, 2, 1), "4000"),
                                                              (datetime.date(2026, 5, 1), "6000")])
    payment = services.record_payment(agreement, amount="5000", received_on=JAN, actor=org.finance)
    with pytest.raises(ValidationError):
        services.reverse_payment(payment, reason="  ", actor=org.finance)
    reversal = services.reverse_payment(payment, reason="退票", actor=org.finance)
    assert reversal.amount == D("-5000.00") and reversal.reversal_of_id == payment.pk
    assert sorted(PaymentAllocation.objects.filter(payment=reversal).values_list("amount", flat=True)) == [
        D("-4000.00"), D("-1000.00")]
    agreement.refresh_from_db()
    assert agreement.collected_amount == D("0.00")
    assert [row[3] for row in plan_of(agreement)] == [D("0.00"), D("0.00")]
    assert Payment.objects.count() == 2  # nothing deleted
    with pytest.raises(ValidationError, match="已被冲销"):
        services.reverse_payment(payment, reason="again", actor=org.finance)
    with pytest.raises(ValidationError):
        services.reverse_payment(reversal, reason="again", actor=org.finance)
    # the money can be collected again after the reversal
    services.record_payment(agreement, amount="10000", received_on=JAN, actor=org.finance)


def test_invoiced_total_never_exceeds_the_amount_and_void_frees_it(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    first = services.request_invoice(agreement, amount="6000", type=Invoice.Type.SPECIAL, tax_rate=D("13"),
                                     actor=org.rep_a)
    assert first.tax == D("690.27")  # 6000 × 13 / 113
    with pytest.raises(ValidationError, match="4,000.00"):
        services.request_invoice(agreement, amount="4000.01", type=Invoice.Type.NORMAL, tax_rate=D("13"),
                                 actor=org.rep_a)
    services.issue_invoice(first, number="No.0001", issued_on=JAN, actor=org.finance)
    services.void_invoice(first, reason="开错了", actor=org.finance)
    agreement.refresh_from_db()
    assert agreement.invoiced_amount == D("0.00")
    services.request_invoice(agreement, amount="10000", type=Invoice.Type.NORMAL, tax_rate=D("6"), actor=org.rep_a)
    agreement.refresh_from_db()
    assert agreement.invoiced_amount == D("10000.00")


def test_only_finance_issues_and_voids_invoices(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    invoice = services.request_invoice(agreement, amount="100", type=Invoice.Type.NORMAL, tax_rate=D("13"),
                                       actor=org.finance)
    for user in (org.rep_a, org.manager_east, org.director):
        with pytest.raises(PermissionDenied):
            services.issue_invoice(invoice, number="X1", issued_on=JAN, actor=user)
        with pytest.raises(PermissionDenied):
            services.void_invoice(invoice, reason="x", actor=user)
    with pytest.raises(PermissionDenied):
        services.request_invoice(agreement, amount="1", type=Invoice.Type.NORMAL, tax_rate=D("13"), actor=org.rep_b)


def test_issued_invoice_numbers_are_unique_and_issue_happens_once(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    one = services.request_invoice(agreement, amount="100", type="normal", tax_rate=13, actor=org.rep_a)
    two = services.request_invoice(agreement, amount="100", type="normal", tax_rate=13, actor=org.rep_a)
    services.issue_invoice(one, number="N1", issued_on=JAN, actor=org.finance)
    with pytest.raises(ValidationError, match="N1"):
        services.issue_invoice(two, number="N1", issued_on=JAN, actor=org.finance)
    with pytest.raises(ValidationError):
        services.issue_invoice(one, number="N2", issued_on=JAN, actor=org.finance)


def test_invoice_request_retry_with_the_same_key_is_one_invoice(org):
    agreement = make_agreement(org.rep_a, amount="10000")
    a = services.request_invoice(agreement, amount="100", type="normal", tax_rate=13, actor=org.rep_a,
                                 idempotency_key="inv-1")
    b = services.request_invoice(agreement, amount="100", type="normal", tax_rate=13, actor=org.rep_a,
                                 idempotency_key="inv-1")
    assert a.pk == b.pk and Invoice.objects.count() == 1


def test_payment_on_an_agreement_without_plan_creates_the_default_plan(org):
    agreement = make_agreement(org.rep_a, amount="800", plan=[])
    assert not Instalment.objects.filter(agreement=agreement).exists()
    services.record_payment(agreement, amount="800", received_on=JAN, actor=org.finance)
    assert plan_of(agreement)[0][2:] == (D("800.00"), D("800.00"))
