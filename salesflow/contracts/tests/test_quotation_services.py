import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.approvals import services as approvals
from salesflow.approvals.models import ApprovalRule
from salesflow.catalog.models import PriceList, PriceListItem, RoleDiscountLimit
from salesflow.contracts.models import Quotation
from salesflow.contracts.quotations import services
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.core.worker import run_job

from .quotation_factories import make_opportunity, make_product, make_quotation

S = Quotation.Status
D = Decimal


def test_totals_are_rounded_half_up_to_the_cent_line_by_line():
    totals = services.compute_totals([
        # 3 × 33.33 = 99.99; 7.5% off -> 92.49075 -> 92.49; 13% tax -> 12.0237 -> 12.02
        {"quantity": D("3"), "unit_price": D("33.33"), "discount_rate": D("7.5"), "tax_rate": D("13")},
        # 0.5 × 0.05 = 0.025 -> 0.03 (half up, not banker's 0.02); no discount; 6% tax -> 0.0018 -> 0.00
        {"quantity": D("0.5"), "unit_price": D("0.05"), "discount_rate": D("0"), "tax_rate": D("6")},
        # 1 × 10.10, 15% off -> 8.585 -> 8.59; 13% -> 1.1167 -> 1.12
        {"quantity": D("1"), "unit_price": D("10.10"), "discount_rate": D("15"), "tax_rate": D("13")},
    ])
    assert [(c.gross, c.amount, c.tax) for c in totals.lines] == [
        (D("99.99"), D("92.49"), D("12.02")), (D("0.03"), D("0.03"), D("0.00")), (D("10.10"), D("8.59"), D("1.12"))]
    assert totals.subtotal == D("110.12")
    assert totals.discount_total == D("9.01")
    assert totals.tax_total == D("13.14")
    assert totals.total == D("114.25")
    assert totals.total == sum(c.amount + c.tax for c in totals.lines)


def test_created_quotation_stores_the_totals_of_its_lines(org):
    product = make_product(list_price=D("199.99"), tax_rate=D("13"))
    quotation = make_quotation(org.rep_a, lines=[{"product": product, "quantity": D("3"), "discount_rate": D("10")}])
    line = quotation.lines.get()
    # 3 × 199.99 = 599.97; 10% off = 539.973 -> 539.97; tax 70.1961 -> 70.20
    assert (line.unit_price, line.amount, line.tax, line.unit) == (D("199.99"), D("539.97"), D("70.20"), "台")
    quotation.refresh_from_db()
    assert (quotation.subtotal, quotation.discount_total, quotation.tax_total, quotation.total) == (
        D("599.97"), D("60.00"), D("70.20"), D("610.17"))
    assert quotation.status == S.DRAFT and quotation.revision == 1
    assert quotation.number == f"BJ-{timezone.localdate():%Y%m}-0001"
    assert quotation.customer_id == quotation.opportunity.customer_id and quotation.team_id == org.rep_a.team_id


def test_price_comes_from_the_chosen_price_list_else_the_list_price(org):
    listed, unlisted = make_product(list_price=D("1000")), make_product(list_price=D("500"))
    price_list = PriceList.objects.create(name="渠道价")
    PriceListItem.objects.create(price_list=price_list, product=listed, price=D("880"))
    quotation = make_quotation(org.rep_a, price_list=price_list, lines=[
        {"product": listed, "quantity": D(1)}, {"product": unlisted, "quantity": D(1)}])
    assert [line.unit_price for line in quotation.lines.all()] == [D("880"), D("500")]


def test_an_inactive_or_expired_price_list_is_refused(org):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for price_list in (PriceList.objects.create(name="停用", active=False),
                       PriceList.objects.create(name="过期", valid_to=yesterday)):
        with pytest.raises(ValidationError) as refused:
            make_quotation(org.rep_a, price_list=price_list)
        assert "price_list" in refused.value.message_dict


def test_each_quotation_gets_the_next_number(org):
    first, second = make_quotation(org.rep_a), make_quotation(org.rep_a)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_revision_creates_a_new_row_and_keeps_the_old_one_unchanged(org):
    old = make_quotation(org.rep_a)
    old = services.send_quotation(old, actor=org.rep_a)
    old_lines = list(old.lines.values_list("description", "quantity", "unit_price", "discount_rate", "amount"))
    new = services.revise_quotation(old, actor=org.rep_a, version=old.version)
    assert (new.number, new.revision, new.previous_id, new.status) == (old.number, 2, old.pk, S.DRAFT)
    assert list(new.lines.values_list("description", "quantity", "unit_price", "discount_rate", "amount")) == old_lines
    assert new.total == old.total
    old.refresh_from_db()
    assert old.status == S.SENT and list(old.lines.values_list("description", "quantity", "unit_price",
                                                                "discount_rate", "amount")) == old_lines
    for action in (services.revise_quotation, services.accept_quotation, services.reject_quotation):
        with pytest.raises(ValidationError, match="已修订"):
            action(old, actor=org.rep_a)
    with pytest.raises(ValidationError):
        services.update_quotation(old, actor=org.rep_a, version=None, lines=[{"description": "x", "quantity": 1,
                                                                             "unit_price": 1}],
                                  valid_until=old.valid_until)


def test_discount_beyond_the_owners_role_maximum_blocks_sending_until_approved(org):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("10.01")}])
    assert RoleDiscountLimit.max_for(org.rep_a) == D(10)
    with pytest.raises(services.DiscountNeedsApproval):
        services.send_quotation(quotation, actor=org.rep_a)
    quotation.refresh_from_db()
    assert quotation.status == S.DRAFT
    request = services.request_discount_approval(quotation, actor=org.rep_a)
    assert (request.kind, request.amount) == ("discount", quotation.total)
    with pytest.raises(services.DiscountNeedsApproval, match="审批仍在进行中"):
        services.send_quotation(quotation, actor=org.rep_a)
    approvals.decide(request, actor=org.manager_east, approve=True)  # the team's manager approves: the hook runs
    quotation.refresh_from_db()
    assert quotation.discount_approved
    assert services.send_quotation(quotation, actor=org.rep_a).status == S.SENT


def test_rejected_discount_approval_keeps_the_quotation_unsendable(org):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("30")}])
    request = services.request_discount_approval(quotation, actor=org.rep_a)
    approvals.decide(request, actor=org.manager_east, approve=False, comment="折扣太大")
    with pytest.raises(services.DiscountNeedsApproval):
        services.send_quotation(quotation, actor=org.rep_a)


def test_discount_counts_as_approved_when_no_approval_rule_applies(org):
    ApprovalRule.objects.filter(kind="discount").delete()
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("30")}])
    assert services.request_discount_approval(quotation, actor=org.rep_a) is None
    assert services.send_quotation(quotation, actor=org.rep_a).status == S.SENT


def test_discount_at_the_role_maximum_may_be_sent(org):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("10")}])
    assert services.send_quotation(quotation, actor=org.rep_a).status == S.SENT


def test_the_owners_role_decides_not_the_senders(org):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("15")}])
    with pytest.raises(services.DiscountNeedsApproval):  # the director may send it, but the limit is the rep's
        services.send_quotation(quotation, actor=org.director)


def test_editing_an_approved_draft_needs_approval_again(org):
    quotation = make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(1),
                                                  "discount_rate": D("20")}])
    services.approve_discount(quotation)
    quotation = services.update_quotation(quotation, actor=org.rep_a, version=None, valid_until=quotation.valid_until,
                                          lines=[{"description": "服务", "quantity": D(1), "unit_price": D(100),
                                                  "discount_rate": D("25")}])
    assert not quotation.discount_approved
    with pytest.raises(services.DiscountNeedsApproval):
        services.send_quotation(quotation, actor=org.rep_a)


def test_only_one_quotation_of_an_opportunity_can_be_accepted(org):
    opportunity = make_opportunity(org.rep_a)
    first = services.send_quotation(make_quotation(org.rep_a, opportunity), actor=org.rep_a)
    second = services.send_quotation(make_quotation(org.rep_a, opportunity), actor=org.rep_a)
    assert services.accept_quotation(first, actor=org.rep_a).status == S.ACCEPTED
    with pytest.raises(ValidationError, match="已有另一份报价单被接受"):
        services.accept_quotation(second, actor=org.rep_a)
    second.refresh_from_db()
    assert second.status == S.SENT  # nothing else is rejected automatically
    assert services.reject_quotation(second, actor=org.rep_a).status == S.REJECTED


def test_status_moves_only_along_draft_sent_accepted_or_rejected(org):
    quotation = make_quotation(org.rep_a)
    with pytest.raises(ValidationError):
        services.accept_quotation(quotation, actor=org.rep_a)
    quotation = services.send_quotation(quotation, actor=org.rep_a)
    with pytest.raises(ValidationError):
        services.send_quotation(quotation, actor=org.rep_a)
    quotation = services.reject_quotation(quotation, actor=org.rep_a)
    with pytest.raises(ValidationError):
        services.accept_quotation(quotation, actor=org.rep_a)


def test_stale_version_is_refused(org):
    quotation = make_quotation(org.rep_a)
    with pytest.raises(StaleEditError):
        services.send_quotation(quotation, actor=org.rep_a, version=quotation.version - 1 or 99)


def test_expiry_job_expires_open_quotations_past_their_validity(org):
    draft, sent, accepted, current = (make_quotation(org.rep_a) for _ in range(4))
    sent = services.send_quotation(sent, actor=org.rep_a)
    accepted = services.accept_quotation(services.send_quotation(accepted, actor=org.rep_a), actor=org.rep_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk__in=[draft.pk, sent.pk, accepted.pk]).update(valid_until=yesterday)
    assert run_job("quotation-expiry") == "expired 2 quotations"
    statuses = dict(Quotation.objects.values_list("pk", "status"))
    assert (statuses[draft.pk], statuses[sent.pk], statuses[accepted.pk], statuses[current.pk]) == (
        S.EXPIRED, S.EXPIRED, S.ACCEPTED, S.DRAFT)
    assert AuditEntry.for_object(sent).filter(action="update", changes__status=["sent", "expired"]).exists()
    assert run_job("quotation-expiry") == "expired 0 quotations"


def test_expired_quotation_cannot_be_accepted(org):
    quotation = services.send_quotation(make_quotation(org.rep_a), actor=org.rep_a)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="已过期"):
        services.accept_quotation(quotation, actor=org.rep_a)


def test_finance_and_other_reps_cannot_quote_on_an_opportunity(org):
    opportunity = make_opportunity(org.rep_a)
    for user in (org.finance, org.rep_b):
        with pytest.raises(PermissionDenied):
            make_quotation(user, opportunity)


def test_a_line_needs_a_positive_quantity_and_a_discount_within_0_to_100(org):
    with pytest.raises(ValidationError) as refused:
        make_quotation(org.rep_a, lines=[{"product": make_product(), "quantity": D(0), "discount_rate": D(101)}])
    assert "lines" in refused.value.message_dict
    assert not Quotation.objects.exists()
