"""Every change to money goes through these functions: payment plans, payments, reversals and invoices.

Each runs in one transaction and first locks the agreement row (``select_for_update``), so two payments (or an
invoice and a voiding) on the same agreement are applied one after the other; the running totals on instalments
and on the agreement change with ``F()`` updates under that lock, and database constraints keep every total
within its amount. Payments and invoice requests take an idempotency key: the same request sent twice is one row.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.contracts.models import Agreement, Instalment, Invoice, Payment, PaymentAllocation
from salesflow.core import audit
from salesflow.core.money import CENT, format_money
from salesflow.org import access

ZERO = Decimal("0.00")
PAYABLE = (Agreement.Status.ACTIVE,)
INVOICEABLE = (Agreement.Status.ACTIVE, Agreement.Status.COMPLETED)


# ---------------------------------------------------------------------------------------------------------------
# Who may do what (asked by every door; the rules themselves live in org.access)

def can_record_payment(user, agreement) -> bool:
    """Finance for every agreement it may see; a rep or manager for the agreements they may change."""
    return access.can_add(user, Payment, agreement)


def can_request_invoice(user, agreement) -> bool:
    return access.can_add(user, Invoice, agreement)


def can_issue_invoice(user, agreement) -> bool:
    """Issuing and voiding is finance's job (an administrator may stand in)."""
    return access.is_finance_or_admin(user) and access.can_view(user, agreement)


def can_edit_plan(user, agreement) -> bool:
    return access.can_change(user, agreement)


def _require(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------------------------
# Helpers

def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount, e.g. 1200.00.")}) from None
    return amount


def _locked_agreement(agreement) -> Agreement:
    # The agreement row alone (no join): the lock that serialises every money change on this agreement.
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _sync(obj, locked):
    """Copy the locked row's running totals onto the caller's instance so it shows what was saved."""
    for name in ("planned_amount", "collected_amount", "invoiced_amount", "status"):
        setattr(obj, name, getattr(locked, name))


# ---------------------------------------------------------------------------------------------------------------
# Payment plan (回款计划)

def default_plan(agreement) -> list[dict]:
    """One instalment of the whole amount, due ``payment_terms_days`` after signing (none for a zero amount)."""
    if not agreement.amount or agreement.amount <= 0:
        return []
    due_on = agreement.signed_on + datetime.timedelta(days=agreement.payment_terms_days or 0)
    return [{"due_on": due_on, "amount": Decimal(agreement.amount).quantize(CENT)}]


def _clean_plan(agreement, instalments) -> list[dict]:
    cleaned, errors = [], []
    for position, item in enumerate(instalments, start=1):
        due_on = item.get("due_on")
        if isinstance(due_on, str):
            try:
                due_on = datetime.date.fromisoformat(due_on)
            except ValueError:
                due_on = None
        if not isinstance(due_on, datetime.date):
            errors.append(_("Instalment %(n)s: enter a due date.") % {"n": position})
            continue
        try:
            amount = _money(item.get("amount"), "amount")
        except ValidationError:
            errors.append(_("Instalment %(n)s: enter an amount.") % {"n": position})
            continue
        if amount <= 0:
            errors.append(_("Instalment %(n)s: the amount must be more than zero.") % {"n": position})
            continue
        cleaned.append({"id": item.get("id") or None, "due_on": due_on, "amount": amount,
                        "note": (item.get("note") or "")[:200]})
    if errors:
        raise ValidationError({"instalments": errors})
    total = sum((item["amount"] for item in cleaned), ZERO)
    if total != agreement.amount:
        difference = agreement.amount - total
        if difference > 0:
            message = _("The instalments add up to %(total)s, %(diff)s less than the agreement amount %(amount)s.")
        else:
            message = _("The instalments add up to %(total)s, %(diff)s more than the agreement amount %(amount)s.")
        raise ValidationError({"instalments": message % {
            "total": format_money(total), "diff": format_money(abs(difference)),
            "amount": format_money(agreement.amount)}})
    return cleaned


@transaction.atomic
def replace_plan(agreement, instalments: list[dict], *, actor) -> list[Instalment]:
    """Replace the agreement's payment plan. ``instalments``: dicts of ``due_on``, ``amount``, optional ``note``
    and ``id`` (an existing instalment to keep and change). Their sum must equal the agreement amount; an
    instalment that already has money collected can't be removed or made smaller than what it collected."""
    if actor is not None:
        _require(can_edit_plan(actor, agreement), _("You may not change this agreement's payment plan."))
    locked = _locked_agreement(agreement)
    if locked.status == Agreement.Status.TERMINATED:
        raise ValidationError(_("A terminated agreement's payment plan can't be changed."))
    cleaned = _clean_plan(locked, instalments)
    existing = {i.pk: i for i in Instalment.objects.filter(agreement=locked)}
    kept_ids = {item["id"] for item in cleaned if item["id"]}
    unknown = kept_ids - set(existing)
    if unknown:
        raise ValidationError({"instalments": _("Instalment %(id)s is not part of this agreement.")
                               % {"id": min(unknown)}})
    errors = []
    for item in cleaned:
        if item["id"] and item["amount"] < existing[item["id"]].collected_amount:
            old = existing[item["id"]]
            errors.append(_("Instalment %(n)s has already collected %(collected)s; its amount can't be less.")
                          % {"n": old.sequence, "collected": format_money(old.collected_amount)})
    removed = [i for pk, i in existing.items() if pk not in kept_ids]
    with_payments = set(PaymentAllocation.objects.filter(instalment__in=removed)
                        .values_list("instalment_id", flat=True)) if removed else set()
    for old in removed:
        if old.collected_amount > 0 or old.pk in with_payments:
            errors.append(_("Instalment %(n)s has payments recorded against it and can't be removed.")
                          % {"n": old.sequence})
    if errors:
        raise ValidationError({"instalments": errors})
    before = [[str(i.due_on), str(i.amount)] for i in sorted(existing.values(), key=lambda i: i.sequence)]
    if removed:
        Instalment.objects.filter(pk__in=[i.pk for i in removed]).delete()
    # Free the sequence numbers first (unique per agreement), then number the plan in due-date order.
    Instalment.objects.filter(agreement=locked).update(sequence=F("sequence") + 10000)
    ordered = sorted(enumerate(cleaned), key=lambda pair: (pair[1]["due_on"], pair[0]))
    result = []
    for sequence, (_position, item) in enumerate(ordered, start=1):
        if item["id"]:
            instalment = existing[item["id"]]
            instalment.sequence, instalment.due_on = sequence, item["due_on"]
            instalment.amount, instalment.note = item["amount"], item["note"]
            instalment.save(update_fields=["sequence", "due_on", "amount", "note"])
        else:
            instalment = Instalment.objects.create(agreement=locked, sequence=sequence, due_on=item["due_on"],
                                                   amount=item["amount"], note=item["note"])
        result.append(instalment)
    total = sum((i.amount for i in result), ZERO)
    Agreement.objects.filter(pk=locked.pk).update(planned_amount=total)
    locked.planned_amount = total
    _sync(agreement, locked)
    after = [[str(i.due_on), str(i.amount)] for i in result]
    if before != after:
        audit.record(locked, "update", changes={"payment_plan": [before, after]}, actor=actor)
    return result


# ---------------------------------------------------------------------------------------------------------------
# Payments (回款) and reversals

def _allocate_oldest_first(agreement, amount) -> list[tuple[Instalment, Decimal]]:
    allocations, left = [], amount
    for instalment in (Instalment.objects.filter(agreement=agreement, collected_amount__lt=F("amount"))
                       .order_by("due_on", "sequence")):
        if left <= 0:
            break
        part = min(left, instalment.outstanding_amount)
        allocations.append((instalment, part))
        left -= part
    if left > 0:  # the plan covers less than the agreement amount (only possible for data made outside services)
        raise ValidationError({"amount": _("The payment plan has only %(open)s left to collect.")
                               % {"open": format_money(amount - left)}})
    return allocations


def _check_allocations(agreement, amount, allocate_to) -> list[tuple[Instalment, Decimal]]:
    current = {i.pk: i for i in Instalment.objects.filter(agreement=agreement)}
    allocations, total = [], ZERO
    for instalment, part in allocate_to:
        part = _money(part, "allocations")
        fresh = current.get(instalment.pk)
        if fresh is None:
            raise ValidationError({"allocations": _("Instalment %(id)s is not part of this agreement.")
                                   % {"id": instalment.pk}})
        if part <= 0:
            continue
        if part > fresh.outstanding_amount:
            raise ValidationError({"allocations": _(
                "Instalment %(n)s has only %(open)s left to collect.")
                % {"n": fresh.sequence, "open": format_money(fresh.outstanding_amount)}})
        allocations.append((fresh, part))
        total += part
    if total != amount:
        raise ValidationError({"allocations": _("The allocations add up to %(total)s, not the payment's %(amount)s.")
                               % {"total": format_money(total), "amount": format_money(amount)}})
    return allocations


def _apply(payment, allocations) -> None:
    PaymentAllocation.objects.bulk_create(
        [PaymentAllocation(payment=payment, instalment=instalment, amount=part) for instalment, part in allocations])
    for instalment, part in allocations:
        Instalment.objects.filter(pk=instalment.pk).update(collected_amount=F("collected_amount") + part)
    Agreement.objects.filter(pk=payment.agreement_id).update(
        collected_amount=F("collected_amount") + payment.amount, updated_at=timezone.now())


def _payment_changes(payment) -> dict:
    return {"agreement": payment.agreement_id, "amount": payment.amount, "received_on": payment.received_on,
            "method": payment.method, "reference": payment.reference, "payer": payment.payer}


def _same_key(model, key, agreement):
    existing = model.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.agreement_id != agreement.pk:
        raise ValidationError({"idempotency_key": _("This idempotency key was already used for another agreement.")})
    return existing


def record_payment(agreement, *, amount, received_on, method=Payment.Method.BANK_TRANSFER, reference="", payer="",
                   note="", actor, idempotency_key=None, allocate_to=None) -> Payment:
    """Record money received against an active agreement, allocated to its instalments (oldest due first unless
    ``allocate_to`` names them). Refuses more than is outstanding. The same ``idempotency_key`` twice returns the
    first payment and records nothing."""
    if actor is not None:
        _require(can_record_payment(actor, agreement), _("You may not record payments on this agreement."))
    idempotency_key = (idempotency_key or "").strip()[:80] or None
    if idempotency_key:
        existing = _same_key(Payment, idempotency_key, agreement)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _record_payment(agreement, amount=amount, received_on=received_on, method=method,
                                   reference=reference, payer=payer, note=note, actor=actor,
                                   idempotency_key=idempotency_key, allocate_to=allocate_to)
    except IntegrityError:
        if idempotency_key:  # the same key on another agreement raced us to the insert
            existing = _same_key(Payment, idempotency_key, agreement)
            if existing is not None:
                return existing
        raise


def _record_payment(agreement, *, amount, received_on, method, reference, payer, note, actor, idempotency_key,
                    allocate_to) -> Payment:
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount received must be more than zero.")})
    if not isinstance(received_on, datetime.date):
        raise ValidationError({"received_on": _("Enter the date the money was received.")})
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose a payment method.")})
    locked = _locked_agreement(agreement)
    if idempotency_key:  # a retry that waited for our lock sees the first attempt's row now
        existing = _same_key(Payment, idempotency_key, locked)
        if existing is not None:
            return existing
    if locked.status not in PAYABLE:
        raise ValidationError(_("Payments can be recorded only on an active agreement (this one is %(status)s).")
                              % {"status": locked.get_status_display()})
    outstanding = locked.amount - locked.collected_amount
    if amount > outstanding:
        raise ValidationError({"amount": _(
            "Over-collection: %(amount)s is more than the %(outstanding)s still outstanding on %(number)s.")
            % {"amount": format_money(amount), "outstanding": format_money(outstanding), "number": locked.number}})
    if not Instalment.objects.filter(agreement=locked).exists():
        replace_plan(locked, default_plan(locked), actor=None)
    allocations = (_check_allocations(locked, amount, allocate_to) if allocate_to
                   else _allocate_oldest_first(locked, amount))
    payment = Payment.objects.create(
        agreement=locked, received_on=received_on, amount=amount, method=method, reference=(reference or "")[:80],
        payer=(payer or "")[:200], note=(note or "")[:300], idempotency_key=idempotency_key, recorded_by=actor)
    _apply(payment, allocations)
    audit.record(payment, "create", changes=_payment_changes(payment), actor=actor)
    locked.collected_amount += amount
    _sync(agreement, locked)
    return payment


@transaction.atomic
def reverse_payment(payment, *, reason, actor) -> Payment:
    """Undo a payment with a row of the opposite amount and mirrored allocations (never a delete); once only."""
    if actor is not None:
        _require(can_record_payment(actor, payment.agreement), _("You may not reverse payments on this agreement."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    locked = _locked_agreement(payment.agreement)
    payment = Payment.objects.get(pk=payment.pk)
    if payment.is_reversal:
        raise ValidationError({"payment": _("A reversal can't itself be reversed.")})
    if Payment.objects.filter(reversal_of=payment).exists():
        raise ValidationError({"payment": _("This payment has already been reversed.")})
    allocations = [(a.instalment, -a.amount) for a in payment.allocations.select_related("instalment")]
    reversal = Payment(
        agreement=locked, received_on=timezone.localdate(), amount=-payment.amount, method=payment.method,
        reference=payment.reference, payer=payment.payer, reversal_of=payment, reason=reason[:300],
        recorded_by=actor)
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise ValidationError({"payment": _("This payment has already been reversed.")}) from None
    _apply(reversal, allocations)
    audit.record(payment, "reverse", changes={"reversal": reversal.pk, "amount": reversal.amount}, note=reason,
                 actor=actor)
    _sync(payment.agreement, Agreement.objects.get(pk=locked.pk))
    return reversal


# ---------------------------------------------------------------------------------------------------------------
# Invoices (开票)

def tax_included(amount: Decimal, tax_rate: Decimal) -> Decimal:
    """The tax inside an amount that includes it: amount × rate / (100 + rate), to the cent."""
    return (amount * tax_rate / (Decimal(100) + tax_rate)).quantize(CENT)


def request_invoice(agreement, *, amount, type=Invoice.Type.NORMAL, tax_rate=Decimal(13), actor,  # noqa: A002
                    idempotency_key=None) -> Invoice:
    """Ask finance to invoice ``amount`` (tax included). Requested plus issued invoices never exceed the amount."""
    if actor is not None:
        _require(can_request_invoice(actor, agreement), _("You may not request invoices on this agreement."))
    idempotency_key = (idempotency_key or "").strip()[:80] or None
    if idempotency_key:
        existing = _same_key(Invoice, idempotency_key, agreement)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _request_invoice(agreement, amount=amount, type=type, tax_rate=tax_rate, actor=actor,
                                    idempotency_key=idempotency_key)
    except IntegrityError:
        if idempotency_key:
            existing = _same_key(Invoice, idempotency_key, agreement)
            if existing is not None:
                return existing
        raise


def _request_invoice(agreement, *, amount, type, tax_rate, actor, idempotency_key) -> Invoice:  # noqa: A002
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("The invoice amount must be more than zero.")})
    if type not in Invoice.Type.values:
        raise ValidationError({"type": _("Choose the invoice type.")})
    try:
        tax_rate = Decimal(str(tax_rate)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        tax_rate = Decimal(-1)
    if not Decimal(0) <= tax_rate <= Decimal(100):
        raise ValidationError({"tax_rate": _("The tax rate must be between 0 and 100 %.")})
    locked = _locked_agreement(agreement)
    if idempotency_key:
        existing = _same_key(Invoice, idempotency_key, locked)
        if existing is not None:
            return existing
    if locked.status not in INVOICEABLE:
        raise ValidationError(_("Invoices can be requested only on an active or completed agreement "
                                "(this one is %(status)s).") % {"status": locked.get_status_display()})
    open_amount = locked.amount - locked.invoiced_amount
    if amount > open_amount:
        raise ValidationError({"amount": _(
            "%(amount)s would take the invoiced total over the agreement amount: only %(open)s is left to invoice "
            "on %(number)s.") % {"amount": format_money(amount), "open": format_money(open_amount),
                                 "number": locked.number}})
    invoice = Invoice.objects.create(agreement=locked, type=type, amount=amount, tax_rate=tax_rate,
                                     tax=tax_included(amount, tax_rate), requested_by=actor,
                                     idempotency_key=idempotency_key)
    Agreement.objects.filter(pk=locked.pk).update(invoiced_amount=F("invoiced_amount") + amount,
                                                  updated_at=timezone.now())
    audit.record(invoice, "create", changes={"agreement": locked.pk, "amount": amount, "type": type,
                                             "tax_rate": tax_rate}, actor=actor)
    locked.invoiced_amount += amount
    _sync(agreement, locked)
    return invoice


@transaction.atomic
def issue_invoice(invoice, *, number, issued_on, actor) -> Invoice:
    """Finance issues a requested invoice: the tax authority's number and the date."""
    if actor is not None:
        _require(can_issue_invoice(actor, invoice.agreement), _("Only finance issues invoices."))
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Enter the invoice number.")})
    if not isinstance(issued_on, datetime.date):
        raise ValidationError({"issued_on": _("Enter the date the invoice was issued.")})
    _locked_agreement(invoice.agreement)
    fresh = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if fresh.status != Invoice.Status.REQUESTED:
        raise ValidationError({"status": _("Only a requested invoice can be issued (this one is %(status)s).")
                               % {"status": fresh.get_status_display()}})
    if Invoice.objects.filter(number=number).exclude(pk=fresh.pk).exists():
        raise ValidationError({"number": _("Invoice number %(number)s is already used.") % {"number": number}})
    fresh.number, fresh.issued_on, fresh.issued_by = number, issued_on, actor
    fresh.status = Invoice.Status.ISSUED
    try:
        with transaction.atomic():
            fresh.save(update_fields=["number", "issued_on", "issued_by", "status"])
    except IntegrityError:
        raise ValidationError({"number": _("Invoice number %(number)s is already used.") % {"number": number}}) \
            from None
    audit.record(fresh, "issue", changes={"number": number, "issued_on": issued_on, "status": fresh.status},
                 actor=actor)
    return fresh


@transaction.atomic
def void_invoice(invoice, *, reason, actor) -> Invoice:
    """Finance voids an invoice (requested or issued, with a reason); its amount may be invoiced again."""
    if actor is not None:
        _require(can_issue_invoice(actor, invoice.agreement), _("Only finance voids invoices."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding the invoice.")})
    locked = _locked_agreement(invoice.agreement)
    fresh = Invoice.objects.get(pk=invoice.pk)
    if fresh.status == Invoice.Status.VOID:
        raise ValidationError({"status": _("This invoice is already void.")})
    old_status = fresh.status
    fresh.status, fresh.void_reason = Invoice.Status.VOID, reason[:300]
    fresh.save(update_fields=["status", "void_reason"])
    Agreement.objects.filter(pk=locked.pk).update(invoiced_amount=F("invoiced_amount") - fresh.amount,
                                                  updated_at=timezone.now())
    audit.record(fresh, "void", changes={"status": [old_status, fresh.status]}, note=reason, actor=actor)
    _sync(invoice.agreement, Agreement.objects.get(pk=locked.pk))
    return fresh


@transaction.atomic
def amend_invoice(invoice, *, amount, type, tax_rate, issued_on=None, actor) -> Invoice:  # noqa: A002
    """Correct a requested or issued invoice's amount, type, tax rate (and issue date) — e.g. an invoice
    re-imported by its number. The invoiced total still never exceeds the agreement amount; void ones stay void."""
    if actor is not None:
        _require(can_issue_invoice(actor, invoice.agreement), _("Only finance issues invoices."))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("The invoice amount must be more than zero.")})
    if type not in Invoice.Type.values:
        raise ValidationError({"type": _("Choose the invoice type.")})
    tax_rate = Decimal(str(tax_rate)).quantize(CENT)
    if not Decimal(0) <= tax_rate <= Decimal(100):
        raise ValidationError({"tax_rate": _("The tax rate must be between 0 and 100 %.")})
    locked = _locked_agreement(invoice.agreement)
    fresh = Invoice.objects.get(pk=invoice.pk)
    if fresh.status == Invoice.Status.VOID:
        raise ValidationError({"status": _("This invoice is already void.")})
    open_amount = locked.amount - locked.invoiced_amount + fresh.amount
    if amount > open_amount:
        raise ValidationError({"amount": _(
            "%(amount)s would take the invoiced total over the agreement amount: only %(open)s is left to invoice "
            "on %(number)s.") % {"amount": format_money(amount), "open": format_money(open_amount),
                                 "number": locked.number}})
    before = {"amount": fresh.amount, "type": fresh.type, "tax_rate": fresh.tax_rate, "issued_on": fresh.issued_on}
    fresh.amount, fresh.type, fresh.tax_rate = amount, type, tax_rate
    fresh.tax = tax_included(amount, tax_rate)
    if issued_on is not None and fresh.status == Invoice.Status.ISSUED:
        fresh.issued_on = issued_on
    fresh.save(update_fields=["amount", "type", "tax_rate", "tax", "issued_on"])
    Agreement.objects.filter(pk=locked.pk).update(invoiced_amount=F("invoiced_amount") + (amount - before["amount"]),
                                                  updated_at=timezone.now())
    after = {"amount": fresh.amount, "type": fresh.type, "tax_rate": fresh.tax_rate, "issued_on": fresh.issued_on}
    audit.record(fresh, "update", actor=actor,
                 changes={name: [before[name], after[name]] for name in before if before[name] != after[name]})
    _sync(invoice.agreement, Agreement.objects.get(pk=locked.pk))
    return fresh


def recompute_totals(agreement) -> None:
    """Rebuild an agreement's running totals from its rows (repair tool for data written outside the services)."""
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        for instalment in Instalment.objects.filter(agreement=locked):
            collected = instalment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
            Instalment.objects.filter(pk=instalment.pk).update(collected_amount=collected)
        Agreement.objects.filter(pk=locked.pk).update(
            planned_amount=Instalment.objects.filter(agreement=locked).aggregate(s=Sum("amount"))["s"] or ZERO,
            collected_amount=Payment.objects.filter(agreement=locked).aggregate(s=Sum("amount"))["s"] or ZERO,
            invoiced_amount=Invoice.objects.filter(agreement=locked).exclude(status=Invoice.Status.VOID)
            .aggregate(s=Sum("amount"))["s"] or ZERO)
