"""Every change of an agreement's state goes through these functions (one transaction each, history rows kept).

Status flow::

    draft ──submit──▶ pending ──approved──▶ active ──▶ completed
      ▲                  │ rejected           └──────▶ terminated (with a note)
      └──────────────────┘
    (no approval rule for the amount → active at once)

An approved (active) or pending agreement cannot have a material field (amount, lines, customer, terms) changed
quietly: the edit is refused unless the user chooses to revise it, which sends it back through approval."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.approvals import services as approvals
from salesflow.contracts.models import Agreement, AgreementLine, AgreementStatusChange, NumberingRule
from salesflow.contracts.receivables import services as money
from salesflow.contracts.receivables.selectors import RECEIVABLE, outstanding_for_customer
from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.org import access

from .numbering import next_number

S = Agreement.Status
CENT = Decimal("0.01")

# What a person may type on the form / send through the API (the running totals are the receivables' business).
EDITABLE_FIELDS = (
    "kind", "title", "customer", "opportunity", "quotation", "owner", "signed_on", "start_on", "end_on", "amount",
    "currency", "payment_terms_days", "payment_terms", "delivery_place", "delivery_method", "breach_liability",
    "notes",
)
# Changing one of these on an approved agreement needs a new approval.
MATERIAL_FIELDS = (
    "kind", "customer", "amount", "currency", "payment_terms_days", "payment_terms", "delivery_place",
    "delivery_method", "breach_liability",
)
LINE_FIELDS = ("product", "description", "quantity", "unit", "unit_price", "discount_rate", "tax_rate")

# Which status a person may move an agreement to by hand (approval moves it from pending).
MANUAL_TRANSITIONS = {
    S.DRAFT: {S.TERMINATED},
    S.PENDING: set(),
    S.ACTIVE: {S.COMPLETED, S.TERMINATED},
    S.COMPLETED: set(),
    S.TERMINATED: set(),
}


class RevisionRequired(ValidationError):
    """An approved or pending agreement's material fields changed without choosing "revise"."""


# --- checks -------------------------------------------------------------------------------------------------------

def check_can_create(actor, customer=None) -> None:
    """May ``actor`` create an agreement (on ``customer``)? The one check every door (page, API, import) asks.
    ``actor`` None is the system (the command line without --user), as in the receivables services."""
    if actor is None:
        return
    access.require_can_create(actor)
    if customer is not None and not access.can_view(actor, customer):
        raise PermissionDenied(_("You may not create an agreement for this customer."))


def may_create(actor, customer=None) -> bool:
    try:
        check_can_create(actor, customer)
    except PermissionDenied:
        return False
    return True


def customer_outstanding(customer, *, exclude=None) -> Decimal:
    """Receivables the customer still owes (the receivables' selector), leaving out the agreement being checked."""
    total = Decimal(outstanding_for_customer(customer) or 0)
    if exclude is not None and exclude.pk:
        own = (Agreement.objects.filter(pk=exclude.pk, status__in=RECEIVABLE)
               .values_list("amount", "collected_amount").first())
        if own:
            total -= own[0] - own[1]
    return total


def over_credit_limit(agreement: Agreement) -> bool:
    """Would this agreement take its customer's receivables over the customer's credit limit (when it has one)?"""
    limit = agreement.customer.credit_limit or Decimal(0)
    if limit <= 0:
        return False
    return customer_outstanding(agreement.customer, exclude=agreement) + agreement.amount > limit


# --- lines --------------------------------------------------------------------------------------------------------

def line_amount(quantity, unit_price, discount_rate=0, tax_rate=0) -> Decimal:
    """Quantity × unit price, less the discount, plus tax: what the customer pays for the line."""
    net = Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount_rate or 0) / 100)
    return (net * (1 + Decimal(tax_rate or 0) / 100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _clean_lines(lines) -> list[dict]:
    cleaned = []
    for index, line in enumerate(lines or ()):
        row = {name: line.get(name) for name in LINE_FIELDS if line.get(name) not in (None, "")}
        row.setdefault("discount_rate", Decimal(0))
        row.setdefault("tax_rate", Decimal(0))
        if not row.get("product") and not row.get("description"):
            raise ValidationError({"lines": _("Line %(n)d: choose a product or enter a description.")
                                   % {"n": index + 1}})
        try:
            quantity, price = Decimal(row.get("quantity")), Decimal(row.get("unit_price"))
        except (TypeError, ArithmeticError, ValueError):
            raise ValidationError({"lines": _("Line %(n)d: enter a quantity and a unit price.") % {"n": index + 1}}) \
                from None
        if quantity <= 0 or price < 0:
            raise ValidationError({"lines": _("Line %(n)d: the quantity must be above 0 and the unit price not "
                                              "negative.") % {"n": index + 1}})
        discount, tax = Decimal(row["discount_rate"]), Decimal(row["tax_rate"])
        if not (0 <= discount <= 100 and 0 <= tax <= 100):
            raise ValidationError({"lines": _("Line %(n)d: discount and tax rate must be between 0 and 100.")
                                   % {"n": index + 1}})
        row.update(quantity=quantity, unit_price=price, discount_rate=discount, tax_rate=tax, position=index,
                   amount=line_amount(quantity, price, discount, tax))
        if row.get("product") and not row.get("unit"):
            row["unit"] = getattr(row["product"], "unit", "") or ""
        cleaned.append(row)
    return cleaned


def _line_signature(rows) -> list[tuple]:
    return [(r.get("product") and getattr(r["product"], "pk", r["product"]), r.get("description") or "",
             Decimal(r["quantity"]), Decimal(r["unit_price"]), Decimal(r["discount_rate"]), Decimal(r["tax_rate"]))
            for r in rows]


def _current_lines(agreement) -> list[dict]:
    return [{"product": line.product_id, "description": line.description, "quantity": line.quantity,
             "unit_price": line.unit_price, "discount_rate": line.discount_rate, "tax_rate": line.tax_rate}
            for line in agreement.lines.all()]


def _write_lines(agreement, rows, *, actor) -> None:
    if agreement.pk and agreement.lines.filter(deliveries__isnull=False).exists():
        raise ValidationError({"lines": _("Lines with recorded deliveries cannot be replaced.")})
    agreement.lines.all().delete()
    AgreementLine.objects.bulk_create([AgreementLine(agreement=agreement, **row) for row in rows])
    audit.record(agreement, AuditEntry.Action.ACTION, actor=actor, note=_("Lines replaced"),
                 changes={"lines": [f"{row.get('product') or row.get('description')} × {row['quantity']} @ "
                                    f"{row['unit_price']} = {row['amount']}" for row in rows]})


# --- status -------------------------------------------------------------------------------------------------------

def _locked(agreement: Agreement, version: int | None = None) -> Agreement:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


def _set_status(agreement: Agreement, to: str, *, actor, note: str = "") -> Agreement:
    """Record a status change (history row + audited save). The caller holds the row lock."""
    if agreement.status == to:
        return agreement
    AgreementStatusChange.objects.create(agreement=agreement, from_status=agreement.status, to_status=to, by=actor,
                                         note=note[:300])
    agreement.status = to
    agreement.save(update_fields=["status", "updated_at"])
    return agreement


def _start_approval(agreement: Agreement, *, actor, note: str = "") -> Agreement:
    """Pending while the approval runs; active at once when no rule applies to the amount (and credit flag)."""
    agreement.credit_flagged = over_credit_limit(agreement)
    agreement.save(update_fields=["credit_flagged", "updated_at"])
    _set_status(agreement, S.PENDING, actor=actor, note=note)
    flags = {"credit"} if agreement.credit_flagged else set()
    request = approvals.submit(agreement, kind="agreement", amount=agreement.amount, actor=actor, flags=flags,
                               note=note)
    if request is None:
        _set_status(agreement, S.ACTIVE, actor=actor, note=_("No approval needed."))
    return agreement


@transaction.atomic
def submit_for_approval(agreement: Agreement, *, actor, note: str = "") -> Agreement:
    access.require_change(actor, agreement)
    agreement = _locked(agreement)
    if agreement.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft can be submitted for approval.")})
    if agreement.amount <= 0:
        raise ValidationError({"amount": _("Enter the amount before submitting.")})
    return _start_approval(agreement, actor=actor, note=note)


@transaction.atomic
def change_status(agreement: Agreement, to: str, *, actor, note: str = "") -> Agreement:
    """A person completes or terminates an agreement (a draft may be cancelled as terminated). Terminating needs
    a note saying why."""
    if actor is not None:
        access.require_change(actor, agreement)
    agreement = _locked(agreement)
    to = S(to)
    if to not in MANUAL_TRANSITIONS[S(agreement.status)]:
        raise ValidationError({"status": _("An agreement that is %(from)s cannot be set to %(to)s.")
                               % {"from": S(agreement.status).label, "to": to.label}})
    if to == S.TERMINATED and not note.strip():
        raise ValidationError({"note": _("Say why the agreement is terminated.")})
    return _set_status(agreement, to, actor=actor, note=note)


@transaction.atomic
def approve(agreement: Agreement, actor) -> Agreement:
    """The approval hook: the last approver approved."""
    agreement = _locked(agreement)
    if agreement.status == S.PENDING:
        _set_status(agreement, S.ACTIVE, actor=actor, note=_("Approved"))
    return agreement


@transaction.atomic
def withdrawn(agreement: Agreement, actor) -> Agreement:
    """The approval hook: the submitter took the request back; the agreement is a draft again."""
    agreement = _locked(agreement)
    if agreement.status == S.PENDING:
        _set_status(agreement, S.DRAFT, actor=actor, note=_("Approval withdrawn"))
    return agreement


@transaction.atomic
def reject(agreement: Agreement, actor, comment: str = "") -> Agreement:
    """The approval hook: an approver rejected; the agreement goes back to draft for rework."""
    agreement = _locked(agreement)
    if agreement.status == S.PENDING:
        _set_status(agreement, S.DRAFT, actor=actor, note=comment or _("Rejected"))
    return agreement


# --- create / update ----------------------------------------------------------------------------------------------

def _apply(agreement: Agreement, data: dict) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS) - {"status"}
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in data.items():
        if name != "status":
            setattr(agreement, name, value)


def _check_owner(actor, agreement) -> None:
    if actor is not None and agreement.owner_id and agreement.owner_id != actor.pk \
            and not access.oversees(actor, agreement.owner):
        raise ValidationError({"owner": _("You may only assign agreements to people you manage.")})
    agreement.team_id = agreement.owner.team_id
    agreement.region_id = agreement.owner.region_id or agreement.customer.region_id


def _validate(agreement: Agreement) -> None:
    agreement.full_clean(exclude=["number", "version"] if not agreement.number else ["version"])
    if agreement.opportunity_id and agreement.opportunity.customer_id != agreement.customer_id:
        raise ValidationError({"opportunity": _("The opportunity belongs to another customer.")})
    if agreement.quotation_id and agreement.quotation.customer_id != agreement.customer_id:
        raise ValidationError({"quotation": _("The quotation belongs to another customer.")})
    if agreement.amount < agreement.collected_amount:
        raise ValidationError({"amount": _("The amount cannot be less than what was already collected (%(c)s).")
                               % {"c": agreement.collected_amount}})


def _ensure_plan(agreement: Agreement, *, actor) -> None:
    """An agreement gets the default plan (one instalment) when it has none; the plan is the receivables'
    business, made through their service."""
    if agreement.amount <= 0 or agreement.instalments.exists():
        return
    money.replace_plan(agreement, money.default_plan(agreement), actor=actor)


@transaction.atomic
def create_agreement(*, actor, data: dict, lines=(), number: str | None = None) -> Agreement:
    """Create an agreement: checked, numbered (HT-/DD- by kind unless ``number`` is given), team and region from the
    owner, amount = sum of the lines when there are lines, credit checked, default payment plan.

    ``data["status"]`` may be given by imports of signed history (active, completed, terminated): the agreement
    is then recorded in that status directly; "pending" submits it for approval; default draft."""
    data = dict(data)
    status = data.pop("status", None) or S.DRAFT
    customer = data.get("customer")
    check_can_create(actor, customer)
    agreement = Agreement(owner=data.pop("owner", None) or actor, status=S.DRAFT)
    _apply(agreement, data)
    if agreement.signed_on is None:
        agreement.signed_on = timezone.localdate()
    rows = _clean_lines(lines)
    if rows:
        agreement.amount = sum((row["amount"] for row in rows), Decimal(0))
    if agreement.amount is None:
        raise ValidationError({"amount": _("Enter the amount or add lines.")})
    _check_owner(actor, agreement)
    _validate(agreement)
    if number:
        if Agreement.objects.filter(number=number).exists():
            raise ValidationError({"number": _("Agreement number %(n)s is already used.") % {"n": number}})
        agreement.number = number
    else:
        kind = NumberingRule.Kind.ORDER if agreement.kind == Agreement.Kind.ORDER else NumberingRule.Kind.CONTRACT
        agreement.number = next_number(kind, agreement.signed_on)
    agreement.credit_flagged = over_credit_limit(agreement)
    agreement.save()
    if rows:
        _write_lines(agreement, rows, actor=actor)
    AgreementStatusChange.objects.create(agreement=agreement, from_status="", to_status=S.DRAFT, by=actor,
                                         at=agreement.created_at)
    _ensure_plan(agreement, actor=actor)
    status = S(status)
    if status == S.PENDING:
        _start_approval(agreement, actor=actor)
    elif status != S.DRAFT:
        _set_status(agreement, status, actor=actor, note=_("Imported"))
    return agreement


@transaction.atomic
def update_agreement(agreement: Agreement, *, actor, data: dict, version: int | None, lines=None,
                     revise: bool = False) -> Agreement:
    """Edit an agreement. ``lines`` None leaves the lines alone; a list replaces them (amount = their sum).
    On a pending or active agreement a change of a material field is refused (:class:`RevisionRequired`) unless
    ``revise``: then the agreement goes back through approval. Completed or terminated agreements are read-only."""
    if actor is not None:
        access.require_change(actor, agreement)
    agreement = _locked(agreement, version)
    if agreement.status in (S.COMPLETED, S.TERMINATED):
        raise ValidationError(_("A completed or terminated agreement cannot be edited."))
    data = {k: v for k, v in dict(data).items() if k != "status"}
    before = {name: getattr(agreement, f"{name}_id" if name in ("customer", "opportunity", "quotation", "owner")
                            else name) for name in EDITABLE_FIELDS}
    _apply(agreement, data)
    rows = None
    lines_changed = False
    if lines is not None:
        rows = _clean_lines(lines)
        lines_changed = _line_signature(rows) != _line_signature(_current_lines(agreement))
        if rows:
            agreement.amount = sum((row["amount"] for row in rows), Decimal(0))
    elif agreement.amount != before["amount"] and agreement.lines.exists():
        raise ValidationError({"amount": _("The amount is the sum of the lines: change the lines instead.")})
    if agreement.owner_id != before["owner"]:
        _check_owner(actor, agreement)
    drop_plan = False
    if agreement.amount != before["amount"] and agreement.planned_amount:
        if agreement.instalments.filter(allocations__isnull=False).exists():
            if agreement.amount < agreement.planned_amount:
                raise ValidationError({"amount": _("Payments were recorded against the payment plan: change the plan "
                                                   "before lowering the amount.")})
        else:  # nothing paid yet: the default plan follows the new amount
            drop_plan, agreement.planned_amount = True, Decimal(0)
    _validate(agreement)
    changed = {name for name in EDITABLE_FIELDS
               if getattr(agreement, f"{name}_id" if name in ("customer", "opportunity", "quotation", "owner")
                          else name) != before[name]}
    material = bool(changed & set(MATERIAL_FIELDS)) or lines_changed
    resubmit = material and agreement.status in (S.PENDING, S.ACTIVE)
    if resubmit and not revise:
        raise RevisionRequired(_("This agreement is %(status)s: changing the amount, lines, customer or terms needs "
                                 "a new approval. Choose “revise” to send it back for approval.")
                               % {"status": S(agreement.status).label})
    if "customer" in changed:
        _check_customer(actor, agreement)
    agreement.version = version if version is not None else agreement.version
    agreement.save()
    if lines_changed:
        _write_lines(agreement, rows, actor=actor)
    if drop_plan:
        agreement.instalments.all().delete()
        audit.record(agreement, AuditEntry.Action.ACTION, actor=actor,
                     note=_("Payment plan replaced: the amount changed"),
                     changes={"plan": "replaced: amount changed"})
    if agreement.amount != before["amount"]:
        _ensure_plan(agreement, actor=actor)
    if resubmit:
        pending = approvals.pending_for(agreement)
        if pending is not None:  # the running approval judged the old figures: take it back first
            approvals.withdraw(pending, actor=actor, comment=_("Revised"))
            agreement.refresh_from_db()
        _set_status(agreement, S.DRAFT, actor=actor, note=_("Revised"))
        _start_approval(agreement, actor=actor, note=_("Revised"))
    elif agreement.status == S.DRAFT:
        agreement.credit_flagged = over_credit_limit(agreement)
        agreement.save(update_fields=["credit_flagged", "updated_at"])
    return agreement


def _check_customer(actor, agreement) -> None:
    if actor is not None and not access.can_view(actor, agreement.customer):
        raise ValidationError({"customer": _("You may not create an agreement for this customer.")})


# --- from an opportunity ------------------------------------------------------------------------------------------

def initial_from_opportunity(opportunity, kind: str = Agreement.Kind.CONTRACT) -> tuple[dict, list[dict]]:
    """Form data pre-filled from a won opportunity and its accepted quotation (lines and terms) when it has one."""
    data = {"kind": kind, "customer": opportunity.customer, "opportunity": opportunity, "owner": opportunity.owner,
            "title": opportunity.subject, "amount": opportunity.amount,
            "signed_on": timezone.localdate()}
    quotation = (opportunity.quotations.filter(status="accepted").order_by("-revision", "-id")
                 .prefetch_related("lines").first())
    if quotation is not None:
        data["quotation"] = quotation
        data["amount"] = quotation.total
        if quotation.terms:
            data["payment_terms"] = quotation.terms[:300]
        lines = [{"product": line.product, "description": line.description, "quantity": line.quantity,
                  "unit": line.unit, "unit_price": line.unit_price, "discount_rate": line.discount_rate,
                  "tax_rate": line.tax_rate} for line in quotation.lines.all()]
    else:
        lines = [{"product": line.product, "description": "", "quantity": line.quantity,
                  "unit_price": line.unit_price} for line in opportunity.lines.select_related("product")]
    return data, lines


# --- deliveries and milestones ------------------------------------------------------------------------------------

@transaction.atomic
def record_delivery(agreement: Agreement, *, actor, delivered_on: datetime.date, quantities: dict, note: str = ""):
    """Record a (partial) delivery of an active order: ``quantities`` maps agreement line (or its id) → quantity.
    More than still undelivered on a line is refused."""
    from salesflow.contracts.models import Delivery, DeliveryLine

    access.require_change(actor, agreement)
    agreement = _locked(agreement)
    if agreement.status != S.ACTIVE:
        raise ValidationError(_("Deliveries are recorded on active agreements only."))
    lines = {line.pk: line for line in agreement.lines.all()}
    delivered = delivered_per_line(agreement)
    wanted = {}
    for key, quantity in quantities.items():
        line_id = getattr(key, "pk", key)
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationError({"lines": _("Line %(id)s is not a line of this agreement.") % {"id": line_id}})
        quantity = Decimal(quantity or 0)
        if quantity < 0:
            raise ValidationError({f"line_{line.pk}": _("The quantity cannot be negative.")})
        if quantity == 0:
            continue
        remaining = line.quantity - delivered.get(line.pk, Decimal(0))
        if quantity > remaining:
            raise ValidationError({f"line_{line.pk}": _("%(line)s: %(q)s is more than the %(r)s not yet delivered.")
                                   % {"line": line, "q": quantity.normalize(), "r": remaining.normalize()}})
        wanted[line] = quantity
    if not wanted:
        raise ValidationError({"lines": _("Enter the delivered quantity of at least one line.")})
    delivery = Delivery.objects.create(agreement=agreement, delivered_on=delivered_on, note=note, recorded_by=actor)
    DeliveryLine.objects.bulk_create([DeliveryLine(delivery=delivery, agreement_line=line, quantity=quantity)
                                      for line, quantity in wanted.items()])
    audit.record(agreement, AuditEntry.Action.ACTION, actor=actor,
                 note=_("Delivery of %(date)s") % {"date": delivered_on},
                 changes={"delivered": {str(line): str(q) for line, q in wanted.items()}})
    return delivery


def delivered_per_line(agreement) -> dict[int, Decimal]:
    from salesflow.contracts.models import DeliveryLine

    rows = (DeliveryLine.objects.filter(agreement_line__agreement=agreement).values("agreement_line")
            .annotate(total=Sum("quantity")))
    return {row["agreement_line"]: row["total"] for row in rows}


@transaction.atomic
def add_milestone(agreement: Agreement, *, actor, name: str, due_on: datetime.date):
    from salesflow.contracts.models import Milestone

    access.require_change(actor, agreement)
    if agreement.status in (S.COMPLETED, S.TERMINATED):
        raise ValidationError(_("A completed or terminated agreement cannot be changed."))
    if not (name or "").strip():
        raise ValidationError({"name": _("Enter the milestone's name.")})
    position = agreement.milestones.count()
    milestone = Milestone.objects.create(agreement=agreement, name=name.strip(), due_on=due_on, position=position)
    audit.record(agreement, AuditEntry.Action.ACTION, actor=actor, note=_("Milestone added"),
                 changes={"milestone": milestone.name, "due_on": due_on})
    return milestone


@transaction.atomic
def mark_milestone(milestone, *, actor, step: str, on: datetime.date | None = None):
    """``step`` "done" or "accepted" (acceptance by the customer comes after the work is done)."""
    access.require_change(actor, milestone.agreement)
    on = on or timezone.localdate()
    if step == "done":
        milestone.done_on = on
    elif step == "accepted":
        if milestone.done_on is None:
            raise ValidationError({"accepted_on": _("Mark the milestone done before it is accepted.")})
        milestone.accepted_on = on
    else:
        raise ValidationError({"step": _("Unknown step.")})
    milestone.save(update_fields=["done_on", "accepted_on"])
    audit.record(milestone.agreement, AuditEntry.Action.ACTION, actor=actor,
                 note=_("Milestone done") if step == "done" else _("Milestone accepted"),
                 changes={"milestone": milestone.name, step: on})
    return milestone
