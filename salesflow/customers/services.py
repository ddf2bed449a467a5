"""Customer actions: creation, the pool (claim / return / assign / transfer / automatic return), duplicates."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.notifications import notify
from salesflow.org import access
from salesflow.org.models import Role, User

from .models import Customer, OwnershipChange, PoolNotice, PoolRule, PoolSettings

POOL_ROLES = {Role.REP, Role.MANAGER, Role.DIRECTOR, Role.ADMIN}
COMPANY_SUFFIXES = re.compile(
    r"(股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司|co\.?,?\s*ltd\.?|inc\.?|corp\.?|corporation|limited|llc)$",
    re.IGNORECASE,
)


def normalise_company(name: str) -> str:
    """'上海华信科技有限公司 ' -> '上海华信科技': what two spellings of one company have in common."""
    text = re.sub(r"[\s\u3000·.,，()（）]+", "", name or "").lower()
    previous = None
    while previous != text:
        previous = text
        text = COMPANY_SUFFIXES.sub("", text)
    return text


def find_duplicate_customers(*, name="", phone="", email="", credit_code="", exclude_pk=None):
    """Customers that are probably the same company: same credit code, phone or email, or same core name."""
    query = Q(pk__in=[])
    if credit_code:
        query |= Q(credit_code=credit_code.strip().upper())
    if phone:
        query |= Q(phone=phone.strip())
    if email:
        query |= Q(email__iexact=email.strip())
    core = normalise_company(name)
    if len(core) >= 2:
        query |= Q(name__istartswith=core)
    candidates = Customer.objects.filter(query)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    # A name prefix match is only a duplicate if the rest is just a company suffix.
    return [
        c for c in candidates.select_related("owner")[:20]
        if (credit_code and c.credit_code == credit_code.strip().upper())
        or (phone and c.phone == phone.strip())
        or (email and c.email.lower() == email.strip().lower())
        or normalise_company(c.name) == core
    ]


class DuplicateNotice:
    """What one person may be told about a matching record: the record itself only if they may open it
    (or it is in the pool they can claim from), otherwise only that it exists and who owns it (whom to ask)."""

    def __init__(self, record, visible: bool):
        self.visible = visible
        self.record = record if visible else None
        self.owner_name = str(record.owner) if record.owner_id else _("the customer pool")

    def __repr__(self):
        return f"<DuplicateNotice visible={self.visible} owner={self.owner_name}>"


def duplicates_seen_by(actor, records) -> list[DuplicateNotice]:
    """Wrap matches found by a duplicate check so that nobody learns names, ids or links they could not see."""
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    visible = set(model._default_manager.filter(access.visibility_q(actor, model), pk__in=[r.pk for r in records])
                  .values_list("pk", flat=True))
    in_reach = can_use_pool(actor) if actor is not None else False
    return [DuplicateNotice(r, r.pk in visible or (in_reach and getattr(r, "in_pool", False))) for r in records]


def _log(customer, action, *, actor, from_owner, to_owner, reason=""):
    OwnershipChange.objects.create(
        customer=customer, action=action, from_owner=from_owner, to_owner=to_owner, reason=reason, by=actor
    )
    owners = [getattr(from_owner, "pk", None), getattr(to_owner, "pk", None)]
    note = f"{OwnershipChange.Action(action).label}: {reason}" if reason else str(OwnershipChange.Action(action).label)
    audit.record(customer, "action", changes={"owner": owners}, note=note[:300], actor=actor)


def _set_owner(customer: Customer, owner: User | None) -> None:
    customer.owner = owner
    customer.team_id = owner.team_id if owner else None
    now = timezone.now()
    customer.pool_entered_at = None if owner else now
    customer.owned_since = now if owner else None
    customer.save(update_fields=["owner", "team", "pool_entered_at", "owned_since", "updated_at"])


def _lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _check_limit(owner: User) -> None:
    """Refuse a rep one customer too many. Runs inside the caller's transaction and first locks the rep's row,
    so a rep's parallel claims/assignments are counted one after another (on SQLite every write transaction
    starts with BEGIN IMMEDIATE, see settings.DATABASES, which serialises them just the same)."""
    if owner.role != Role.REP:
        return
    User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).get()
    limit = PoolSettings.current().max_customers_per_rep
    if Customer.objects.filter(owner=owner).count() >= limit:
        raise ValidationError(
            _("%(name)s already owns %(limit)s customers, the most a rep may own. Return some to the pool first.")
            % {"name": owner, "limit": limit}
        )


@transaction.atomic
def create_customer(*, actor: User | None, owner: User | None, tags=(), **fields) -> Customer:
    if actor is not None:
        access.require_can_create(actor)
    customer = Customer(owner=owner, team_id=owner.team_id if owner else None, **fields)
    if owner is None:
        customer.pool_entered_at = timezone.now()
    customer.full_clean()
    if owner is not None:
        _check_limit(owner)
    customer.save()
    if tags:
        customer.tags.set(tags)
    _log(customer, OwnershipChange.Action.CREATE, actor=actor, from_owner=None, to_owner=owner)
    return customer


def can_use_pool(user: User) -> bool:
    return user.is_active and (user.role in POOL_ROLES or user.is_superuser)


@transaction.atomic
def claim_customer(*, actor: User, customer: Customer) -> Customer:
    if not can_use_pool(actor):
        raise PermissionDenied(_("Your role cannot claim customers from the pool."))
    customer = _lock(customer)
    if customer.owner_id is not None:
        raise ValidationError(_("This customer has just been claimed by someone else."))
    _check_limit(actor)
    _set_owner(customer, actor)
    _log(customer, OwnershipChange.Action.CLAIM, actor=actor, from_owner=None, to_owner=actor)
    return customer


@transaction.atomic
def return_customer_to_pool(*, actor: User, customer: Customer, reason: str) -> Customer:
    access.require_change(actor, customer)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the customer goes back to the pool.")})
    customer = _lock(customer)
    previous = customer.owner
    if previous is None:
        raise ValidationError(_("This customer is already in the pool."))
    _set_owner(customer, None)
    _log(customer, OwnershipChange.Action.RETURN, actor=actor, from_owner=previous, to_owner=None, reason=reason)
    return customer


def _require_can_assign_to(actor: User, owner: User) -> None:
    if not actor.is_manager_or_above:
        raise PermissionDenied(_("Only managers can assign or transfer customers."))
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You can only assign customers to people in your own team or its sub-teams."))
    if not owner.is_active:
        raise ValidationError(_("%(name)s is not an active user.") % {"name": owner})


@transaction.atomic
def assign_customer(*, actor: User, customer: Customer, owner: User, reason: str = "") -> Customer:
    """A manager gives a pool customer (or one of their team's) to a rep in their subtree."""
    _require_can_assign_to(actor, owner)
    customer = _lock(customer)
    if customer.owner_id is not None and not access.can_change(actor, customer):
        raise PermissionDenied(_("You may not reassign this customer."))
    previous = customer.owner
    if previous == owner:
        return customer
    _check_limit(owner)
    _set_owner(customer, owner)
    action = OwnershipChange.Action.ASSIGN if previous is None else OwnershipChange.Action.TRANSFER
    _log(customer, action, actor=actor, from_owner=previous, to_owner=owner, reason=reason)
    return customer


@transaction.atomic
def transfer_customers(*, actor: User, customers, to_owner: User, reason: str = "") -> int:
    """Move several customers to one rep (workload balancing). All or nothing."""
    moved = 0
    for customer in customers:
        if customer.owner_id is not None and not access.can_change(actor, customer):
            raise PermissionDenied(_("You may not transfer “%(name)s”.") % {"name": customer})
        if customer.owner_id != to_owner.pk:
            assign_customer(actor=actor, customer=customer, owner=to_owner, reason=reason)
            moved += 1
    return moved


def _record_fact(customer: Customer, field: str, at: datetime.datetime) -> None:
    """Write an upstream fact with ``.update()``: no version bump, so a person editing the customer at the same
    time is not refused for something they did not touch. Only ever moves the date forward."""
    moved = Customer.objects.filter(pk=customer.pk).filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": at}))
    if moved.update(**{field: at}):
        audit.record(customer, "update", changes={field: [getattr(customer, field), at]})
    setattr(customer, field, max(filter(None, [getattr(customer, field), at])))


def record_deal(*, customer: Customer, at: datetime.datetime) -> None:
    """A deal with this customer was won at ``at`` (called by ``pipeline.services.win_opportunity``)."""
    _record_fact(customer, "last_deal_at", at)


def record_contact(*, customer: Customer, at: datetime.datetime) -> None:
    """Someone followed up with this customer at ``at`` (activities call this)."""
    _record_fact(customer, "last_contact_at", at)


def _due_date(customer: Customer, rule: PoolRule) -> datetime.datetime:
    """The moment the customer falls due for return under the rule (the earlier of the two clocks)."""
    def clock(last_event):  # never before the current owner took the customer
        start = last_event or customer.owned_since or customer.created_at
        return max(start, customer.owned_since) if customer.owned_since else start

    contact_clock = clock(customer.last_contact_at) + datetime.timedelta(days=rule.days_without_contact)
    deal_clock = clock(customer.last_deal_at) + datetime.timedelta(days=rule.days_without_deal)
    return min(contact_clock, deal_clock)


def return_overdue_customers(now: datetime.datetime) -> str:
    """The scheduled job: warn owners ahead of time, then return customers whose rule has run out."""
    returned = warned = 0
    for rule in PoolRule.objects.filter(active=True):
        horizon = now + datetime.timedelta(days=rule.notice_days)
        contact_cut = horizon - datetime.timedelta(days=rule.days_without_contact)
        deal_cut = horizon - datetime.timedelta(days=rule.days_without_deal)
        candidates = Customer.objects.filter(owner__isnull=False, customer_class=rule.customer_class).filter(
            Q(last_contact_at__lt=contact_cut)
            | Q(last_contact_at__isnull=True, created_at__lt=contact_cut)
            | Q(last_deal_at__lt=deal_cut)
            | Q(last_deal_at__isnull=True, created_at__lt=deal_cut)
        ).annotate(
            contact_clock=Greatest(Coalesce("last_contact_at", "owned_since", "created_at"),
                                   Coalesce("owned_since", "last_contact_at", "created_at")),
            deal_clock=Greatest(Coalesce("last_deal_at", "owned_since", "created_at"),
                                Coalesce("owned_since", "last_deal_at", "created_at")),
        ).filter(Q(contact_clock__lt=contact_cut) | Q(deal_clock__lt=deal_cut)).select_related("owner")
        for customer in candidates.iterator(chunk_size=500):
            due = _due_date(customer, rule)
            if due <= now:
                with transaction.atomic():
                    locked = _lock(customer)
                    if locked.owner_id != customer.owner_id:
                        continue
                    reason = _("No follow-up for %(c)s days or no deal for %(d)s days (class %(k)s rule)") % {
                        "c": rule.days_without_contact, "d": rule.days_without_deal, "k": rule.customer_class}
                    _set_owner(locked, None)
                    _log(locked, OwnershipChange.Action.AUTO_RETURN, actor=None, from_owner=customer.owner,
                         to_owner=None, reason=reason)
                    notify(recipient=customer.owner, kind="pool_return", url=customer.get_absolute_url(),
                           text=_("%(name)s was returned to the pool: %(reason)s") % {"name": customer.name,
                                                                                     "reason": reason})
                returned += 1
            else:
                _notice, created = PoolNotice.objects.get_or_create(customer=customer, owner=customer.owner,
                                                              due_on=due.date())
                if created:
                    notify(recipient=customer.owner, kind="pool_warning", url=customer.get_absolute_url(),
                           text=_("%(name)s will return to the pool on %(date)s unless you follow up.")
                           % {"name": customer.name, "date": due.date().isoformat()})
                    warned += 1
    return f"returned {returned}, warned {warned}"


@transaction.atomic
def create_customers(*, actor: User | None, customers: list[Customer], reason: str = "") -> list[Customer]:
    """Many new customers at once (imports): ``create_customer``'s rules, checked for the whole batch.

    Each customer must have passed ``full_clean`` (the importer's check); the claim limit is counted per rep over
    the batch, and every customer gets its ownership history and audit entries, as one at a time would.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from salesflow.core.models import AuditEntry

    now = timezone.now()
    reps = {}
    for customer in customers:
        customer.team_id = customer.owner.team_id if customer.owner_id else None
        customer.pool_entered_at = None if customer.owner_id else now
        if customer.owner_id and customer.owner.role == Role.REP:
            reps.setdefault(customer.owner_id, [customer.owner, 0])[1] += 1
    if reps:
        limit = PoolSettings.current().max_customers_per_rep
        owned = dict(Customer.objects.filter(owner_id__in=reps).values_list("owner").annotate(n=Count("id")))
        for owner_id, (owner, count) in reps.items():
            if owned.get(owner_id, 0) + count > limit:
                raise ValidationError(
                    _("%(name)s already owns %(limit)s customers, the most a rep may own. Return some to the pool "
                      "first.") % {"name": owner, "limit": limit})
    Customer.objects.bulk_create(customers, batch_size=1000)
    OwnershipChange.objects.bulk_create(
        [OwnershipChange(customer=c, action=OwnershipChange.Action.CREATE, to_owner=c.owner, by=actor, reason=reason)
         for c in customers], batch_size=1000)
    content_type = ContentType.objects.get_for_model(Customer)
    label = str(OwnershipChange.Action.CREATE.label)
    audit_actor = actor or audit.current_actor()  # as audit.record: no person -> the origin (cli/system) in the note
    origin = audit.current_origin() if audit_actor is None else ""

    def note(text=""):
        return (f"{origin}: {text}" if origin and text else origin or text)[:300]
    entries = []
    for c in customers:
        snapshot = {k: audit._plain(v) for k, v in c.audit_snapshot().items() if v not in (None, "")}
        entries.append(AuditEntry(actor=audit_actor, action="create", content_type=content_type,
                                  object_id=str(c.pk), object_repr=str(c)[:200], changes=snapshot, note=note()))
        entries.append(AuditEntry(actor=audit_actor, action="action", content_type=content_type,
                                  object_id=str(c.pk), object_repr=str(c)[:200], changes={"owner": [None, c.owner_id]},
                                  note=note(f"{label}: {reason}" if reason else label)))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return customers
