"""Every change of a quotation goes through these functions (keyword-only, one transaction each).

Totals come from ONE function, :func:`compute_totals` (Decimal, ROUND_HALF_UP, to the cent, line by line);
the page, the API, the PDF and the export all read the amounts it stored.
Status: draft → sent → accepted / rejected; draft or sent → expired (daily job, :func:`expire_quotations`).
A revision is a new row (``previous`` = the old one); the old one keeps its lines and status and is read-only.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.approvals import services as approvals
from salesflow.catalog.models import DEFAULT_TAX_RATE, PriceList, Product, RoleDiscountLimit, price_for
from salesflow.contracts.agreements.numbering import next_number
from salesflow.contracts.models import Quotation, QuotationLine
from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.org import access
from salesflow.pipeline.models import Opportunity

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal(10) ** 15  # a line or a total must fit the money columns (18 digits, 2 decimals) with room
S = Quotation.Status
DEFAULT_VALIDITY_DAYS = 30


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  # quantity × unit price
    discount: Decimal
    amount: Decimal  # after discount, before tax
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    lines: list[LineAmounts]
    subtotal: Decimal  # before discount
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal  # subtotal − discount + tax


def compute_totals(lines) -> Totals:
    """The one calculation of a quotation's amounts. ``lines``: objects or dicts with quantity, unit_price,
    discount_rate and tax_rate. Each line is rounded to the cent (half up); the totals are sums of rounded lines,
    so the lines printed always add up to the totals printed."""
    computed = []
    for line in lines:
        get = line.get if isinstance(line, dict) else lambda name, line=line: getattr(line, name)
        gross = _cents(Decimal(get("quantity")) * Decimal(get("unit_price")))
        amount = _cents(gross * (HUNDRED - Decimal(get("discount_rate") or 0)) / HUNDRED)
        tax = _cents(amount * Decimal(get("tax_rate") or 0) / HUNDRED)
        computed.append(LineAmounts(gross=gross, discount=gross - amount, amount=amount, tax=tax))
    subtotal = sum((c.gross for c in computed), Decimal("0.00"))
    discount_total = sum((c.discount for c in computed), Decimal("0.00"))
    tax_total = sum((c.tax for c in computed), Decimal("0.00"))
    return Totals(lines=computed, subtotal=subtotal, discount_total=discount_total, tax_total=tax_total,
                  total=subtotal - discount_total + tax_total)


def max_discount_for(user) -> Decimal:
    return RoleDiscountLimit.max_for(user)


def needs_discount_approval(quotation: Quotation) -> bool:
    """Does a line give more discount than the owner's role may (and no approval has been given)?"""
    if quotation.discount_approved:
        return False
    limit = max_discount_for(quotation.owner)
    return quotation.lines.filter(discount_rate__gt=limit).exists()


def check_can_quote(actor, opportunity: Opportunity) -> None:
    """May ``actor`` make a quotation on ``opportunity``? The one check the page and the API ask first."""
    access.require_can_create(actor)
    access.require_change(actor, opportunity)
    if opportunity.customer_id is None:
        raise ValidationError({"opportunity": _("Set the opportunity's customer before making a quotation.")})


def default_valid_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)


def _check_valid_until(valid_until) -> None:
    if valid_until is None:
        raise ValidationError({"valid_until": _("Enter the date the quotation is valid until.")})
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The validity date cannot be in the past.")})


def _check_price_list(price_list: PriceList | None) -> None:
    today = timezone.localdate()
    if price_list is not None and not PriceList.objects.valid_on(today).filter(pk=price_list.pk).exists():
        raise ValidationError({"price_list": _("This price list is not active or not valid today.")})


def _line_rows(lines, price_list: PriceList | None) -> list[dict]:
    """Validate the submitted lines and fill in what the catalogue knows (price, unit, tax rate, description)."""
    rows = []
    for number, line in enumerate(lines, start=1):
        product: Product | None = line.get("product")
        quantity = line.get("quantity")
        unit_price = line.get("unit_price")
        if unit_price is None and product is not None:
            unit_price = price_for(product, price_list)
        discount = Decimal(line.get("discount_rate") or 0)
        tax_rate = line.get("tax_rate")
        if tax_rate is None:
            tax_rate = product.tax_rate if product is not None else DEFAULT_TAX_RATE
        description = (line.get("description") or "").strip() or (product.name if product else "")
        problems = []
        if not description:
            problems.append(_("choose a product or describe the item"))
        if quantity is None or Decimal(quantity) <= 0:
            problems.append(_("the quantity must be above 0"))
        if unit_price is None or Decimal(unit_price) < 0:
            problems.append(_("the unit price must be 0 or more"))
        if not 0 <= discount <= 100:
            problems.append(_("the discount must be between 0 and 100%"))
        if not 0 <= Decimal(tax_rate) <= 100:
            problems.append(_("the tax rate must be between 0 and 100%"))
        if problems:
            raise ValidationError({"lines": _("Line %(n)s: %(problems)s.") % {"n": number,
                                                                             "problems": "; ".join(problems)}})
        rows.append({"product": product, "description": description[:200], "quantity": Decimal(quantity),
                     "unit": (line.get("unit") or (product.unit if product else ""))[:20],
                     "unit_price": Decimal(unit_price), "discount_rate": discount, "tax_rate": Decimal(tax_rate)})
    if not rows:
        raise ValidationError({"lines": _("A quotation needs at least one line.")})
    if sum(row["quantity"] * row["unit_price"] for row in rows) >= MAX_AMOUNT:
        raise ValidationError({"lines": _("The quotation's amount is too large.")})
    return rows


def _write_lines(quotation: Quotation, rows: list[dict]) -> None:
    """Replace the lines and store the totals :func:`compute_totals` gives."""
    totals = compute_totals(rows)
    quotation.lines.all().delete()
    QuotationLine.objects.bulk_create([
        QuotationLine(quotation=quotation, position=position, amount=amounts.amount, tax=amounts.tax, **row)
        for position, (row, amounts) in enumerate(zip(rows, totals.lines, strict=True))])
    quotation.subtotal, quotation.discount_total = totals.subtotal, totals.discount_total
    quotation.tax_total, quotation.total = totals.tax_total, totals.total


def _locked(quotation: Quotation, version: int | None) -> Quotation:
    locked = Quotation.objects.select_for_update().select_related("owner").get(pk=quotation.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


def _require_live(quotation: Quotation) -> None:
    if Quotation.objects.filter(previous=quotation).exists():
        raise ValidationError(_("This quotation was revised: it is kept as it was. Work on its latest revision."))


@transaction.atomic
def create_quotation(*, actor, opportunity: Opportunity, lines, valid_until: datetime.date | None = None,
                     terms: str = "", price_list: PriceList | None = None) -> Quotation:
    """A draft quotation for the opportunity's customer, numbered from the quotation numbering rule."""
    check_can_quote(actor, opportunity)
    valid_until = valid_until or default_valid_until()
    _check_valid_until(valid_until)
    _check_price_list(price_list)
    rows = _line_rows(lines, price_list)
    owner = opportunity.owner
    quotation = Quotation(
        number=next_number("quotation", timezone.localdate()), opportunity=opportunity,
        customer_id=opportunity.customer_id, owner=owner, team_id=owner.team_id, valid_until=valid_until,
        terms=terms, price_list=price_list, currency=price_list.currency if price_list else "CNY")
    quotation.save()
    _write_lines(quotation, rows)
    quotation.save()
    return quotation


@transaction.atomic
def update_quotation(quotation: Quotation, *, actor, version: int | None, lines, valid_until, terms: str = "",
                     price_list: PriceList | None = None) -> Quotation:
    """Change a draft's lines, validity and terms. A changed discount needs approval again."""
    access.require_change(actor, quotation)
    quotation = _locked(quotation, version)
    _require_live(quotation)
    if quotation.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft quotation can be edited; revise it instead.")})
    if approvals.pending_for(quotation) is not None:
        raise ValidationError({"status": _("The quotation is waiting for discount approval and cannot be edited.")})
    _check_valid_until(valid_until)
    if price_list is not None and price_list.pk != quotation.price_list_id:
        _check_price_list(price_list)
    _write_lines(quotation, _line_rows(lines, price_list))
    quotation.valid_until, quotation.terms, quotation.price_list = valid_until, terms, price_list
    quotation.discount_approved = False
    quotation.save()
    return quotation


@transaction.atomic
def revise_quotation(quotation: Quotation, *, actor, version: int | None = None) -> Quotation:
    """A new draft revision (n + 1) with the same lines; the old quotation stays as it was."""
    access.require_change(actor, quotation)
    access.require_can_create(actor)
    old = _locked(quotation, version)
    _require_live(old)
    if old.status == S.ACCEPTED:
        raise ValidationError({"status": _("An accepted quotation cannot be revised.")})
    new = Quotation(
        number=old.number, revision=old.revision + 1, previous=old, opportunity_id=old.opportunity_id,
        customer_id=old.customer_id, owner_id=old.owner_id, team_id=old.team_id, currency=old.currency,
        valid_until=max(old.valid_until, timezone.localdate()), terms=old.terms, price_list_id=old.price_list_id,
        subtotal=old.subtotal, discount_total=old.discount_total, tax_total=old.tax_total, total=old.total)
    new.save()
    QuotationLine.objects.bulk_create([
        QuotationLine(quotation=new, position=line.position, product_id=line.product_id,
                      description=line.description, quantity=line.quantity, unit=line.unit,
                      unit_price=line.unit_price, discount_rate=line.discount_rate, tax_rate=line.tax_rate,
                      amount=line.amount, tax=line.tax) for line in old.lines.all()])
    return new


class DiscountNeedsApproval(ValidationError):
    """Sending was refused: a line's discount is beyond the owner's role maximum and not yet approved."""


def _discount_refusal(quotation: Quotation) -> DiscountNeedsApproval:
    limit = max_discount_for(quotation.owner).normalize()
    if approvals.pending_for(quotation) is not None:
        message = _("A line's discount is above the %(limit)s%% the owner's role may give and its approval is still "
                    "pending: the quotation can be sent once it is approved.")
    else:
        message = _("A line's discount is above the %(limit)s%% the owner's role may give: request approval before "
                    "sending the quotation.")
    return DiscountNeedsApproval({"discount_rate": message % {"limit": f"{limit:f}"}})


@transaction.atomic
def send_quotation(quotation: Quotation, *, actor, version: int | None = None) -> Quotation:
    """Draft → sent. Refused while a discount beyond the owner's role maximum is not approved."""
    access.require_change(actor, quotation)
    quotation = _locked(quotation, version)
    _require_live(quotation)
    if quotation.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft quotation can be sent.")})
    if quotation.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The validity date has passed: revise the quotation first.")})
    if needs_discount_approval(quotation):
        raise _discount_refusal(quotation)
    quotation.status, quotation.sent_at = S.SENT, timezone.now()
    quotation.save()
    return quotation


@transaction.atomic
def request_discount_approval(quotation: Quotation, *, actor, version: int | None = None):
    """Submit a draft whose discount is beyond the owner's role maximum for approval (kind "discount", at its
    total). Returns the approval request, or None when no rule applies (the discount then counts as approved)."""
    access.require_change(actor, quotation)
    quotation = _locked(quotation, version)
    _require_live(quotation)
    if quotation.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft quotation can be submitted for approval.")})
    if not needs_discount_approval(quotation):
        raise ValidationError({"discount_rate": _("No line's discount needs approval.")})
    request = approvals.submit(quotation, kind="discount", amount=quotation.total, actor=actor,
                               note=_("Largest discount %(rate)s%%, the owner's role may give %(limit)s%%.") % {
                                   "rate": f"{max(line.discount_rate for line in quotation.lines.all()):f}",
                                   "limit": f"{max_discount_for(quotation.owner):f}"})
    if request is None:
        approve_discount(quotation, actor=actor)
    return request


def approve_discount(quotation: Quotation, actor=None) -> Quotation:
    """The discount was approved: the quotation may now be sent (the approvals hook ``on_approved``)."""
    with transaction.atomic():
        Quotation.objects.filter(pk=quotation.pk).update(discount_approved=True)
        audit.record(quotation, "update", changes={"discount_approved": [False, True]}, actor=actor)
    quotation.discount_approved = True
    return quotation


@transaction.atomic
def accept_quotation(quotation: Quotation, *, actor, version: int | None = None) -> Quotation:
    """Sent → accepted (the customer said yes). Only one quotation of an opportunity can be accepted."""
    access.require_change(actor, quotation)
    # Lock the opportunity first: two quotations of one opportunity accepted at once are decided one after the other.
    Opportunity.objects.select_for_update().filter(pk=quotation.opportunity_id).first()
    quotation = _locked(quotation, version)
    _require_live(quotation)
    if quotation.status != S.SENT:
        raise ValidationError({"status": _("Only a sent quotation can be accepted.")})
    if quotation.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The quotation has expired and can no longer be accepted.")})
    if Quotation.objects.filter(opportunity_id=quotation.opportunity_id, status=S.ACCEPTED).exists():
        raise ValidationError({"status": _("Another quotation of this opportunity is already accepted.")})
    quotation.status = S.ACCEPTED
    try:
        quotation.save()
    except IntegrityError:  # the database's one-accepted constraint, should a writer bypass the lock
        raise ValidationError({"status": _("Another quotation of this opportunity is already accepted.")}) from None
    return quotation


@transaction.atomic
def reject_quotation(quotation: Quotation, *, actor, version: int | None = None) -> Quotation:
    """Sent → rejected (the customer said no)."""
    access.require_change(actor, quotation)
    quotation = _locked(quotation, version)
    _require_live(quotation)
    if quotation.status != S.SENT:
        raise ValidationError({"status": _("Only a sent quotation can be rejected.")})
    quotation.status = S.REJECTED
    quotation.save()
    return quotation


def expire_quotations(today: datetime.date) -> int:
    """Draft and sent quotations whose validity date has passed become expired; returns how many."""
    expired = 0
    open_ids = Quotation.objects.filter(status__in=[S.DRAFT, S.SENT], valid_until__lt=today).values_list(
        "pk", flat=True)
    for pk in list(open_ids.iterator(chunk_size=1000)):
        with transaction.atomic():
            quotation = (Quotation.objects.select_for_update()
                         .filter(pk=pk, status__in=[S.DRAFT, S.SENT], valid_until__lt=today).first())
            if quotation is None:
                continue
            Quotation.objects.filter(pk=pk).update(status=S.EXPIRED, version=quotation.version + 1)
            audit.record(quotation, "update", changes={"status": [quotation.status, S.EXPIRED]})
            expired += 1
    return expired


def may_quote(user, opportunity) -> bool:
    """Whether "New quotation" is offered on the opportunity page: the same check creating asks."""
    try:
        check_can_quote(user, opportunity)
    except (PermissionDenied, ValidationError):
        return False
    return True
