"""The generated order-to-cash data at scale 10,000: every money invariant holds, the dates are coherent, the overdue
share falls in every ageing bucket and every rep has a showcase to try each flow with.

Generated once for the module inside a transaction rolled back at the end (as core/tests/test_generator.py)."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from salesflow.approvals.models import ApprovalRequest, ApprovalStep
from salesflow.contracts.agreements.services import over_credit_limit
from salesflow.contracts.models import (
    Agreement,
    AgreementLine,
    Instalment,
    Invoice,
    NumberSequence,
    Payment,
    PaymentAllocation,
    Quotation,
)
from salesflow.customers.models import Customer
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity
from salesflow.testing.generated import generated_data

SCALE = 10_000
ZERO = 0


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with generated_data(django_db_blocker, scale=SCALE) as now:
        yield timezone.localdate(now)


@pytest.fixture
def today(generated, db):
    return generated


MONEY = Agreement._meta.get_field("amount")


def sum_of(field):
    return Coalesce(Sum(field), 0, output_field=MONEY)


def test_one_agreement_per_scale_unit_each_won_deal_signed_on_its_close_date_for_its_amount(today):
    assert Agreement.objects.count() == SCALE
    from_deals = Agreement.objects.filter(opportunity__isnull=False)
    assert from_deals.exclude(opportunity__status="won").count() == 0
    assert from_deals.exclude(amount=F("opportunity__amount")).count() == 0
    assert from_deals.values("opportunity").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    closes = {pk: timezone.localtime(closed).date()
              for pk, closed in Opportunity.objects.filter(status="won").values_list("id", "closed_at")}
    assert all(closes[opp] == signed for opp, signed in from_deals.values_list("opportunity_id", "signed_on"))
    assert Agreement.objects.filter(opportunity__isnull=True, kind="order").count() == SCALE - from_deals.count()


def test_plans_sum_exactly_to_the_amount_in_one_to_four_instalments(today):
    plans = Agreement.objects.annotate(planned=sum_of("instalments__amount"), n=Count("instalments"))
    assert plans.exclude(planned=F("amount")).count() == 0
    assert plans.exclude(planned_amount=F("amount")).count() == 0
    assert plans.filter(Q(n__lt=1) | Q(n__gt=4)).count() == 0
    assert Instalment.objects.filter(due_on__lt=F("agreement__signed_on")).count() == 0


def test_running_collected_totals_equal_the_allocations_and_the_payments(today):
    instalments = Instalment.objects.annotate(allocated=sum_of("allocations__amount"))
    assert instalments.exclude(collected_amount=F("allocated")).count() == 0
    by_instalments = Agreement.objects.annotate(collected=sum_of("instalments__collected_amount"))
    assert by_instalments.exclude(collected_amount=F("collected")).count() == 0
    by_payments = Agreement.objects.annotate(paid=sum_of("payments__amount"))
    assert by_payments.exclude(collected_amount=F("paid")).count() == 0
    payments = Payment.objects.annotate(allocated=sum_of("allocations__amount"))
    assert payments.exclude(amount=F("allocated")).count() == 0
    assert PaymentAllocation.objects.exclude(instalment__agreement=F("payment__agreement")).count() == 0
    assert Payment.objects.count() > SCALE // 2


def test_reversals_mirror_the_payment_they_reverse(today):
    reversals = Payment.objects.filter(reversal_of__isnull=False)
    assert reversals.count() > 0
    assert reversals.exclude(amount=-F("reversal_of__amount")).count() == 0
    assert reversals.exclude(agreement=F("reversal_of__agreement")).count() == 0
    assert reversals.filter(received_on__lt=F("reversal_of__received_on")).count() == 0
    assert reversals.exclude(reason="").count() == reversals.count()


def test_invoices_stay_within_the_amount_and_the_invoiced_total_counts_requested_and_issued(today):
    totals = Agreement.objects.annotate(invoiced=Coalesce(
        Sum("invoices__amount", filter=~Q(invoices__status="void")), 0, output_field=MONEY))
    assert totals.exclude(invoiced_amount=F("invoiced")).count() == 0
    assert Agreement.objects.filter(invoiced_amount__gt=F("amount")).count() == 0
    issued = Invoice.objects.filter(status="issued")
    assert issued.filter(Q(number__isnull=True) | Q(issued_on__isnull=True)).count() == 0
    assert Invoice.objects.filter(status="requested", number__isnull=False).count() == 0
    assert all(re.fullmatch(r"\d{20}", n) for n in Invoice.objects.filter(number__isnull=False)
               .values_list("number", flat=True))
    assert set(Invoice.objects.values_list("status", flat=True)) == {"requested", "issued", "void"}
    taxes = Invoice.objects.values_list("amount", "tax_rate", "tax")
    assert all(abs(tax - amount * rate / (100 + rate)) <= 0.005 for amount, rate, tax in taxes)


def test_statuses_agree_with_the_money(today):
    assert Agreement.objects.filter(status="completed").exclude(collected_amount=F("amount")).count() == 0
    assert Agreement.objects.filter(status="active", collected_amount=F("amount")).count() == 0
    quiet = Agreement.objects.filter(status__in=["draft", "pending"])
    assert quiet.exclude(collected_amount=ZERO).count() == quiet.exclude(invoiced_amount=ZERO).count() == 0
    counts = dict(Agreement.objects.values_list("status").annotate(n=Count("id")))
    assert counts["active"] + counts["completed"] > 0.8 * SCALE
    assert {"draft", "pending", "terminated"} <= set(counts)
    first = Agreement.objects.filter(status="completed").values_list("status_changes__to_status", flat=True)
    assert set(first) == {"draft", "pending", "active", "completed"}


def test_only_agreements_that_an_approval_rule_catches_went_through_pending(today):
    signed = Agreement.objects.exclude(status="draft")
    small, large = signed.filter(amount__lt=100_000), signed.filter(amount__gte=100_000)
    assert small.exists() and large.exists()
    assert not small.filter(status_changes__to_status="pending").exists()
    assert large.filter(status_changes__to_status="pending").distinct().count() == large.count()


def test_each_agreement_signed_after_an_approval_has_that_approval_in_its_history(today):
    """As submit() and decide() would have left it: one approved request per signed agreement the rules catch,
    with the steps its rules and its owner's team require, each decided before the signing."""
    from salesflow.approvals.services import planned_steps

    agreements = ContentType.objects.get_for_model(Agreement)
    signed = Agreement.objects.exclude(status__in=["draft", "pending"])
    requests = ApprovalRequest.objects.filter(content_type=agreements, status="approved")
    large = signed.filter(amount__gte=100_000)
    assert requests.count() == large.count() > 0
    assert not requests.filter(object_id__in=signed.filter(amount__lt=100_000).values("pk")).exists()
    assert ApprovalStep.objects.filter(request__in=requests).exclude(decision="approved").count() == 0
    assert ApprovalStep.objects.filter(request__in=requests, decided_by__isnull=True).count() == 0
    for agreement in large.select_related("owner").order_by("-amount")[:3]:  # the largest need the director too
        request = requests.get(object_id=agreement.pk)
        assert (request.amount, request.owner_id, request.team_id) == (agreement.amount, agreement.owner_id,
                                                                      agreement.team_id)
        assert request.decided_at.date() == agreement.signed_on and request.submitted_at < request.decided_at
        assert request.document_url == agreement.get_absolute_url()
        steps = list(request.steps.order_by("position").values_list("role", "approver_id"))
        assert steps == [(role, getattr(approver, "pk", None))
                         for role, approver in planned_steps("agreement", agreement.amount, agreement.owner)]
        assert request.current_step == len(steps) >= 2, steps


def test_no_date_is_in_the_future_and_no_payment_precedes_the_signing(today):
    assert Agreement.objects.filter(signed_on__gt=today).count() == 0
    assert Payment.objects.filter(received_on__gt=today).count() == 0
    assert Payment.objects.filter(received_on__lt=F("agreement__signed_on")).count() == 0
    assert Invoice.objects.filter(issued_on__gt=today).count() == 0
    assert Invoice.objects.filter(issued_on__lt=F("agreement__signed_on")).count() == 0


def test_overdue_receivables_fall_in_every_ageing_bucket(today):
    unpaid = Instalment.objects.filter(agreement__status="active", collected_amount__lt=F("amount"))
    buckets = [(1, 30), (31, 60), (61, 90), (91, 3650)]
    counts = [unpaid.filter(due_on__lte=today - datetime.timedelta(days=low),
                            due_on__gte=today - datetime.timedelta(days=high)).count() for low, high in buckets]
    assert all(n > 20 for n in counts), counts
    overdue = sum(counts)
    assert 0.03 * Instalment.objects.count() < overdue < 0.3 * Instalment.objects.count()
    assert unpaid.filter(due_on__gte=today).count() > 0


def test_every_rep_has_a_showcase_for_each_flow(today):
    for rep in User.objects.filter(role="rep"):
        mine = Agreement.objects.filter(owner=rep)
        assert Opportunity.objects.filter(owner=rep, status="won", agreements__isnull=True).exists(), rep
        assert {"draft", "pending", "active"} <= set(mine.values_list("status", flat=True)), rep
        assert mine.filter(status="active", collected_amount__gt=0, collected_amount__lt=F("amount")).exists()
        unpaid = Instalment.objects.filter(agreement__owner=rep, agreement__status="active",
                                           collected_amount__lt=F("amount"))
        for low, high in [(1, 30), (31, 60), (61, 90), (91, 3650)]:
            assert unpaid.filter(due_on__lte=today - datetime.timedelta(days=low),
                                 due_on__gte=today - datetime.timedelta(days=high)).exists(), (rep, low)
        assert Invoice.objects.filter(agreement__owner=rep, status="requested").count() >= 2


def test_each_pending_agreement_waits_for_its_reps_manager(today):
    agreements = ContentType.objects.get_for_model(Agreement)
    pending = Agreement.objects.filter(status="pending").select_related("owner__team__manager")
    assert pending.count() == User.objects.filter(role="rep").count()
    for agreement in pending:
        request = ApprovalRequest.objects.get(content_type=agreements, object_id=agreement.pk)
        assert request.status == "pending" and request.amount == agreement.amount
        waiting = ApprovalStep.objects.awaiting(agreement.owner.team.manager).filter(request=request)
        assert waiting.exists(), agreement
        assert not agreement.credit_flagged and not over_credit_limit(agreement)


def test_customers_owe_less_than_their_credit_limit_except_where_a_draft_would_cross_it(today):
    owed = (Customer.objects.filter(agreements__status__in=["active", "completed"])
            .annotate(owed=Sum(F("agreements__amount") - F("agreements__collected_amount"),
                               filter=Q(agreements__status__in=["active", "completed"]))))
    assert owed.filter(credit_limit__lt=F("owed")).count() == 0
    assert owed.exclude(pk__in=Agreement.objects.filter(status="draft").values("customer")).filter(
        credit_limit__lt=F("owed") + 200_000).count() == 0
    assert owed.filter(credit_limit__gt=0).count() > 0
    drafts = Agreement.objects.filter(status="draft", opportunity__isnull=False, amount__gte=20_000)
    assert drafts.exists()
    assert all(over_credit_limit(draft) for draft in drafts.select_related("customer"))


def test_numbers_are_unique_per_kind_and_month_and_the_counters_continue_after_them(today):
    numbers = list(Agreement.objects.values_list("number", "kind", "signed_on"))
    for number, kind, signed in numbers:
        assert re.fullmatch(rf"{'HT' if kind == 'contract' else 'DD'}-{signed:%Y%m}-\d{{4,}}", number), number
    last = {(s.rule.kind, s.period): s.last for s in NumberSequence.objects.select_related("rule")}
    for number, kind, signed in numbers:
        assert int(number.rsplit("-", 1)[1]) <= last[kind, f"{signed:%Y%m}"]


def test_every_reference_points_at_an_existing_row(today):
    # PostgreSQL's bulk load skips the foreign-key triggers: the generated references must be right by themselves.
    assert PaymentAllocation.objects.exclude(payment__in=Payment.objects.all()).count() == 0
    assert PaymentAllocation.objects.exclude(instalment__in=Instalment.objects.all()).count() == 0
    assert Instalment.objects.exclude(agreement__in=Agreement.objects.all()).count() == 0
    assert Invoice.objects.exclude(agreement__in=Agreement.objects.all()).count() == 0
    assert Agreement.objects.exclude(customer__in=Customer.objects.all()).count() == 0
    assert Agreement.objects.exclude(owner__in=User.objects.all()).count() == 0
    assert AgreementLine.objects.filter(agreement__opportunity__isnull=True).count() == 0
    lines = AgreementLine.objects.values("agreement").annotate(total=Sum("amount")).filter(
        agreement__amount=F("total"))
    assert lines.count() == AgreementLine.objects.values("agreement").distinct().count()


def test_each_rep_has_an_accepted_quotation_for_the_deal_without_agreement_and_a_sent_one(today):
    for rep in User.objects.filter(role="rep"):
        accepted = Quotation.objects.filter(owner=rep, status="accepted")
        assert accepted.filter(opportunity__status="won", opportunity__agreements__isnull=True).count() == 1
        assert Quotation.objects.filter(owner=rep, status="sent", opportunity__status="tracking",
                                        valid_until__gte=today).count() == 1
    for quotation in Quotation.objects.prefetch_related("lines"):
        lines = list(quotation.lines.all())
        assert lines and sum(line.amount for line in lines) == quotation.subtotal - quotation.discount_total
        assert sum(line.tax for line in lines) == quotation.tax_total
        assert quotation.total == quotation.subtotal - quotation.discount_total + quotation.tax_total
        assert re.fullmatch(r"BJ-\d{6}-\d{4}", quotation.number)
    for quotation in Quotation.objects.filter(status="accepted").select_related("opportunity"):
        assert quotation.subtotal - quotation.discount_total == quotation.opportunity.amount
    last = {s.period: s.last for s in NumberSequence.objects.filter(rule__kind="quotation")}
    assert all(int(q.number[-4:]) <= last[q.number[3:9]] for q in Quotation.objects.all())


def test_the_demo_flows_work_on_the_generated_data(today):
    from salesflow.approvals.services import decide
    from salesflow.contracts.agreements.services import create_agreement, initial_from_opportunity, submit_for_approval
    from salesflow.contracts.receivables.services import issue_invoice, record_payment, request_invoice

    rep, finance = User.objects.get(username="rep"), User.objects.get(username="finance")
    manager = rep.team.manager
    # the won deal without an agreement becomes one, from its accepted quotation, numbered after the generated ones
    deal = Opportunity.objects.get(owner=rep, status="won", agreements__isnull=True)
    data, lines = initial_from_opportunity(deal)
    assert data["quotation"].status == "accepted"
    made = create_agreement(actor=rep, data=data, lines=lines)
    assert made.status == "draft" and made.amount == data["quotation"].total
    assert Agreement.objects.filter(number=made.number).count() == 1
    # the pending agreement: the manager approves it
    pending = Agreement.objects.get(owner=rep, status="pending")
    request = ApprovalRequest.objects.get(object_id=pending.pk, status="pending")
    decide(request, actor=manager, approve=True)
    pending.refresh_from_db()
    assert pending.status == "active"
    # the draft: submitting it meets the credit check (its customer's limit is set below it)
    draft = (Agreement.objects.filter(owner=rep, status="draft", opportunity__isnull=False, amount__gte=20_000)
             .exclude(pk=made.pk).order_by("-signed_on", "-id").first())
    submitted = submit_for_approval(draft, actor=rep)
    assert submitted.credit_flagged and submitted.status == "pending"
    # an overdue instalment is paid in full; an invoice is requested and finance issues it
    overdue = (Instalment.objects.filter(agreement__owner=rep, agreement__status="active", due_on__lt=today,
                                         collected_amount__lt=F("amount")).select_related("agreement").first())
    record_payment(overdue.agreement, amount=overdue.amount - overdue.collected_amount, received_on=today,
                   actor=finance, allocate_to=[(overdue, overdue.amount - overdue.collected_amount)])
    overdue.refresh_from_db()
    assert overdue.collected_amount == overdue.amount
    agreement = Agreement.objects.filter(owner=rep, status="active", invoiced_amount__lt=F("amount")).first()
    invoice = request_invoice(agreement, amount=agreement.amount - agreement.invoiced_amount, type="special",
                              tax_rate=13, actor=rep)
    issued = issue_invoice(invoice, number="99990000000000000001", issued_on=today, actor=finance)
    assert issued.status == "issued"
    agreement.refresh_from_db()
    assert agreement.invoiced_amount == agreement.amount


def test_the_overdue_reminders_count_as_sent_today_except_for_what_fell_due_yesterday(today):
    from salesflow.contracts.models import InstalmentReminder
    from salesflow.contracts.receivables.jobs import remind_overdue

    overdue = Instalment.objects.filter(agreement__status="active", collected_amount__lt=F("amount"))
    older = overdue.filter(due_on__lt=today - datetime.timedelta(days=1))
    assert older.count() > 100
    assert InstalmentReminder.objects.filter(sent_on=today).count() == older.count()
    assert remind_overdue(today) == overdue.filter(due_on=today - datetime.timedelta(days=1)).count()
