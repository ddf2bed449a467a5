"""Lead actions: creation with automatic assignment and duplicate checks, status changes, conversion, merge."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.models import AuditEntry
from salesflow.core.notifications import notify
from salesflow.customers.models import Contact, Customer
from salesflow.customers.services import (
    create_customer,
    duplicates_seen_by,
    find_duplicate_customers,
    normalise_company,
)
from salesflow.org import access
from salesflow.org.models import User

from .models import InboundSubmission, Lead, LeadAssignmentRule, LeadReminder, LeadSettings, LeadSource

S = Lead.Status


def find_duplicate_leads(*, company="", phone="", email="", exclude_pk=None) -> list[Lead]:
    query = Q(pk__in=[])
    if phone:
        query |= Q(phone=phone.strip())
    if email:
        query |= Q(email__iexact=email.strip())
    core = normalise_company(company)
    if len(core) >= 2:
        query |= Q(company__istartswith=core)
    candidates = Lead.objects.filter(query, merged_into__isnull=True)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return [
        lead for lead in candidates.select_related("owner")[:20]
        if (phone and lead.phone == phone.strip()) or (email and lead.email.lower() == email.strip().lower())
        or normalise_company(lead.company) == core
    ]


def duplicates_for(*, actor, company="", phone="", email="", exclude_pk=None) -> dict:
    """Both kinds of duplicates a new lead may have (earlier leads, existing customers), as ``actor`` may see
    them: records they cannot open are named only by their owner (see ``customers.services.duplicates_seen_by``)."""
    return {
        "leads": duplicates_seen_by(
            actor, find_duplicate_leads(company=company, phone=phone, email=email, exclude_pk=exclude_pk)),
        "customers": duplicates_seen_by(actor, find_duplicate_customers(name=company, phone=phone, email=email)),
    }


def pick_owner(lead: Lead) -> User | None:
    """The first active rule that fits the lead's region chooses the next rep in turn (round robin)."""
    rules = LeadAssignmentRule.objects.filter(active=True).select_related("region", "last_assigned")
    for rule in rules.select_for_update(of=("self",)):  # lock the rules, not the joined region/user rows
        if rule.region_id and not (lead.region_id and lead.region.path.startswith(rule.region.path)):
            continue
        reps = list(rule.reps.filter(is_active=True).order_by("id"))
        if not reps:
            continue
        ids = [r.pk for r in reps]
        index = (ids.index(rule.last_assigned_id) + 1) % len(reps) if rule.last_assigned_id in ids else 0
        rule.last_assigned = reps[index]
        rule.save(update_fields=["last_assigned"])
        return reps[index]
    return None


@transaction.atomic
def create_lead(*, actor, owner=None, auto_assign=True, **fields) -> Lead:
    if actor is not None:
        access.require_can_create(actor)
    lead = Lead(**fields)
    lead.full_clean(exclude=["owner", "team"])
    if owner is None and auto_assign:
        owner = pick_owner(lead)
    lead.owner = owner
    lead.team_id = owner.team_id if owner else None
    lead.save()
    if owner is not None and owner != actor:
        notify(recipient=owner, kind="lead_assigned", url=lead.get_absolute_url(),
               text=_("New lead assigned to you: %(lead)s") % {"lead": lead})
    return lead


INBOUND_LIMIT_PER_HOUR = 5
INBOUND_SOURCE = "官网表单"


class TooManySubmissions(Exception):
    """The public form was submitted too often from one address."""


def register_inbound_submission(ip: str | None) -> None:
    """Count one public-form submission from ``ip`` (valid or not); refuse past the hourly limit."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if InboundSubmission.objects.filter(ip=ip, at__gte=hour_ago).count() >= INBOUND_LIMIT_PER_HOUR:
        raise TooManySubmissions
    InboundSubmission.objects.create(ip=ip)


@transaction.atomic
def receive_inbound_lead(*, company: str, contact_name: str, phone: str = "", email: str = "", notes: str = "",
                         wechat: str = "") -> tuple[Lead, bool]:
    """The public lead form (page and API): a new lead, or — when an open lead with the same phone or email
    exists — the submission is added to that lead (its owner is told) instead of a silent duplicate.
    Returns ``(lead, created)``."""
    phone, email = phone.strip(), email.strip()
    match = Q(pk__in=[])
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email)
    existing = (Lead.objects.open().filter(match, merged_into__isnull=True).order_by("created_at", "pk")
                .select_for_update(of=("self",)).first())
    if existing is None:
        lead = create_lead(actor=None, company=company, contact_name=contact_name, phone=phone, email=email,
                           wechat=wechat, notes=notes, source=LeadSource.objects.filter(name=INBOUND_SOURCE).first())
        return lead, True
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    text = _("Submitted the web form again on %(when)s as %(company)s / %(name)s: %(notes)s") % {
        "when": stamp, "company": company, "name": contact_name, "notes": notes or "—"}
    existing.notes = f"{existing.notes}\n{text}" if existing.notes else text
    existing.last_activity_at = timezone.now()
    existing.save(update_fields=["notes", "last_activity_at"])
    if existing.owner_id:
        notify(recipient=existing.owner, kind="lead_resubmitted", url=existing.get_absolute_url(),
               text=_("Lead %(lead)s submitted the web form again.") % {"lead": existing})
    return existing, False


@transaction.atomic
def change_status(*, actor, lead: Lead, status: str, reason: str = "", version=None) -> Lead:
    access.require_change(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if version is not None and version != lead.version:
        from salesflow.core.concurrency import StaleEditError

        raise StaleEditError(lead)
    if status == S.CONVERTED:
        raise ValidationError(_("Use “Convert” to convert a lead."))
    if not lead.can_become(status):
        raise ValidationError(_("A lead that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": lead.get_status_display(), "to": S(status).label})
    if status == S.DISQUALIFIED and not reason.strip():
        raise ValidationError({"disqualify_reason": _("Say why the lead is disqualified.")})
    lead.status = status
    lead.disqualify_reason = reason.strip() if status == S.DISQUALIFIED else ""
    lead.last_activity_at = timezone.now()
    lead.save()
    return lead


@transaction.atomic
def assign_lead(*, actor, lead: Lead, owner: User) -> Lead:
    if not actor.is_manager_or_above:
        raise PermissionDenied(_("Only managers can assign leads."))
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You can only assign leads to people in your own team or its sub-teams."))
    if lead.owner_id is not None and not access.can_change(actor, lead):
        raise PermissionDenied(_("You may not reassign this lead."))
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    lead.owner, lead.team_id = owner, owner.team_id
    lead.save()
    notify(recipient=owner, kind="lead_assigned", url=lead.get_absolute_url(),
           text=_("New lead assigned to you: %(lead)s") % {"lead": lead})
    return lead


@transaction.atomic
def convert_lead(*, actor, lead: Lead, customer: Customer | None = None, create_opportunity: bool = True,
                 opportunity_subject: str = "", amount=None, expected_close_date=None, converted_at=None) -> Lead:
    """Lead -> customer (new or linked) + contact + opportunity. Converting twice returns the first result.
    ``converted_at``: when it happened, for a conversion recorded afterwards (the demo's history); default now."""
    from salesflow.pipeline.services import open_opportunity

    access.require_change(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == S.CONVERTED:
        return lead  # a double click or a retry: nothing new is created
    if not lead.can_become(S.CONVERTED):
        raise ValidationError(_("A disqualified lead cannot be converted; reopen it first."))
    owner = lead.owner or actor
    if customer is None:
        duplicates = duplicates_seen_by(
            actor, find_duplicate_customers(name=lead.company, phone=lead.phone, email=lead.email))
        if duplicates:
            first = duplicates[0]
            if first.visible:
                raise ValidationError(
                    _("“%(name)s” already exists as a customer: link the lead to it instead of creating a duplicate.")
                    % {"name": first.record.name})
            raise ValidationError(
                _("A matching customer already exists, owned by %(owner)s. Ask them or your manager to link this "
                  "lead to it instead of creating a duplicate.") % {"owner": first.owner_name})
        source = lead.source.name if lead.source_id else ""
        customer = create_customer(actor=actor, owner=owner, name=lead.company, industry=lead.industry,
                                   region=lead.region, phone=lead.phone, email=lead.email, source=source)
    elif not access.can_view(actor, customer) and customer.owner_id is not None:
        raise PermissionDenied(_("You may not link to that customer."))
    contact = None
    if lead.contact_name:
        contact = Contact.objects.create(customer=customer, name=lead.contact_name, title=lead.title,
                                         phone=lead.phone, email=lead.email, wechat=lead.wechat,
                                         is_primary=not customer.contacts.exists())
    opportunity = None
    if create_opportunity:
        opportunity = open_opportunity(
            actor=actor, customer=customer, owner=owner, subject=opportunity_subject or lead.company,
            amount=amount or 0, expected_close_date=expected_close_date, contacts=[contact] if contact else None,
            source=lead.source.name if lead.source_id else "", idempotency_key=f"lead-{lead.pk}",
        )
    lead.status = S.CONVERTED
    lead.converted_at = converted_at or timezone.now()
    lead.converted_customer, lead.converted_contact, lead.converted_opportunity = customer, contact, opportunity
    lead.save()
    return lead


@transaction.atomic
def merge_leads(*, actor, survivor: Lead, duplicate: Lead) -> Lead:
    """Fold ``duplicate`` into ``survivor``: blank fields filled, notes joined, history kept on both."""
    for lead in (survivor, duplicate):
        access.require_change(actor, lead)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different leads."))
    if S.CONVERTED in (duplicate.status,):
        raise ValidationError(_("A converted lead cannot be merged into another."))
    survivor = Lead.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Lead.objects.select_for_update().get(pk=duplicate.pk)
    for field in ("contact_name", "title", "phone", "email", "wechat", "industry", "region_id", "source_id"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    if duplicate.notes:
        survivor.notes = (survivor.notes + "\n" if survivor.notes else "") + f"[{duplicate.pk}] {duplicate.notes}"
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.status = S.DISQUALIFIED
    duplicate.disqualify_reason = _("Merged into lead %(id)s") % {"id": survivor.pk}
    duplicate.save()
    audit.record(survivor, "action", changes={"merged": duplicate.pk}, note=f"merged lead {duplicate.pk}",
                 actor=actor)
    return survivor


def merged_history(lead: Lead):
    """Audit entries of a lead and of every lead merged into it."""
    ids = [str(lead.pk), *(str(pk) for pk in lead.merged_from.values_list("pk", flat=True))]
    return AuditEntry.objects.filter(content_type__model="lead", object_id__in=ids).select_related("actor")


def record_lead_touch(*, lead: Lead, at: datetime.datetime) -> None:
    """Someone followed up on this lead at ``at`` (activities call this). Written with ``.update()`` like the
    customer's last contact: no version bump, only ever forward, so an edit open in another tab is not refused."""
    if Lead.objects.filter(pk=lead.pk, last_activity_at__lt=at).update(last_activity_at=at):
        audit.record(lead, "update", changes={"last_activity_at": [lead.last_activity_at, at]})
        lead.last_activity_at = at


def remind_untouched_leads(now: datetime.datetime) -> str:
    """The scheduled job: tell owners about open leads nobody has touched for N days (once per lull)."""
    cutoff = now - datetime.timedelta(days=LeadSettings.current().untouched_days)
    sent = 0
    stale = Lead.objects.open().filter(owner__isnull=False, last_activity_at__lt=cutoff).select_related("owner")
    for lead in stale.iterator(chunk_size=500):
        _reminder, created = LeadReminder.objects.get_or_create(lead=lead, for_activity_at=lead.last_activity_at)
        if created:
            notify(recipient=lead.owner, kind="lead_untouched", url=lead.get_absolute_url(),
                   text=_("Lead %(lead)s has had no follow-up since %(date)s.")
                   % {"lead": lead, "date": timezone.localtime(lead.last_activity_at).date().isoformat()})
            sent += 1
    return f"reminded {sent}"
