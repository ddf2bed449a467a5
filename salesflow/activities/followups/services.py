"""Recording follow-ups (跟进记录). Every route that writes one — the form, the API, the import, a visit record —
goes through :func:`record_activity`, which also moves the customer's / lead's "last contact" forward."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.concurrency import StaleEditError
from salesflow.customers.services import record_contact
from salesflow.leads.services import record_lead_touch
from salesflow.org import access

from ..models import Activity, Task, VisitPlan
from ..tasks.services import create_task, update_task

FUTURE_SLACK = datetime.timedelta(minutes=10)  # clocks of phones and servers differ a little
NEXT_CONTACT_TIME = datetime.time(9, 0)  # a next-contact date is reminded as a task due at 09:00 that day

# What a person may type (the form, the API, the import); owner/team are decided here.
EDITABLE_FIELDS = ("kind", "subject", "notes", "occurred_at", "customer", "contact", "opportunity", "lead",
                   "agreement", "outcome", "commitment_obtained", "next_step", "next_contact_on")


def check_links(activity: Activity, actor) -> None:
    """The records an activity is about must be visible to the actor and belong together; raises a
    ``ValidationError`` naming the field at fault."""
    errors = {}
    if activity.customer_id is None and activity.lead_id is None:
        errors["customer"] = _("Choose the customer (or the lead) this follow-up is about.")
    for field in ("customer", "contact", "opportunity", "lead", "agreement"):
        linked = getattr(activity, field)
        if linked is not None and not access.can_view(actor, linked):
            errors[field] = _("You may not see this record.")
    if activity.contact_id and activity.customer_id and activity.contact.customer_id != activity.customer_id:
        errors["contact"] = _("This contact belongs to another customer.")
    if activity.opportunity_id and activity.customer_id and activity.opportunity.customer_id != activity.customer_id:
        errors["opportunity"] = _("This opportunity belongs to another customer.")
    if activity.agreement_id and activity.customer_id and activity.agreement.customer_id != activity.customer_id:
        errors["agreement"] = _("This contract / order belongs to another customer.")
    if activity.occurred_at and activity.occurred_at > timezone.now() + FUTURE_SLACK:
        errors["occurred_at"] = _("A follow-up records what happened: its time cannot be in the future "
                                  "(plan a visit or a task instead).")
    if errors:
        raise ValidationError(errors)


def touch_related(activity: Activity) -> None:
    """Move "last contact" of the customer and the lead forward to this activity's time."""
    if activity.customer_id:
        record_contact(customer=activity.customer, at=activity.occurred_at)
    if activity.lead_id:
        record_lead_touch(lead=activity.lead, at=activity.occurred_at)


def remind_next_contact(activity: Activity, *, actor) -> None:
    """A follow-up's next-contact date is reminded like any task: one open task for its owner, due at 09:00 that
    day ("联系…" or the next step), made once and moved when the date moves. A date before today gets none (an
    imported history is not turned into overdue tasks), nor a visit record whose next visit was planned from it."""
    day = activity.next_contact_on
    if day is None or day < timezone.localdate():
        return
    due = timezone.make_aware(datetime.datetime.combine(day, NEXT_CONTACT_TIME))
    task = Task.objects.open().filter(source_activity=activity).first()
    if task is not None:
        if task.due_at != due:
            update_task(task, actor=actor, data={"due_at": due}, version=None)
        return
    if VisitPlan.objects.filter(source_activity=activity).exists():
        return
    step = activity.next_step.strip()
    title_length = Task._meta.get_field("title").max_length
    title = step or _("Contact %(whom)s") % {"whom": activity.customer or activity.lead}
    create_task(actor=actor, owner=activity.owner, source_activity=activity,
                data={"title": title[:title_length], "notes": step if len(step) > title_length else "",
                      "due_at": due, "customer": activity.customer, "opportunity": activity.opportunity,
                      "lead": activity.lead})


@transaction.atomic
def record_activity(*, actor, data: dict, owner=None, remind: bool = True) -> Activity:
    """Record a follow-up (or a visit) by ``owner`` (default: the actor; a manager may record for their
    subtree). ``data`` holds model instances/values for :data:`EDITABLE_FIELDS`. Its next-contact date becomes a
    task (:func:`remind_next_contact`) unless ``remind`` is off (a visit record schedules its own next step)."""
    owner = owner or actor
    if not access.can_create_pipeline_records(actor):
        raise PermissionDenied(_("Your role cannot record follow-ups."))
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You may not record follow-ups for this person."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    activity = Activity(owner=owner, team_id=owner.team_id, **data)
    check_links(activity, actor)
    activity.full_clean(exclude=["owner", "team", "visit_plan"])
    activity.save()
    touch_related(activity)
    if remind:
        remind_next_contact(activity, actor=actor)
    return activity


def may_edit(actor, activity: Activity) -> bool:
    """Its owner, or someone who oversees the owner (and may see the record); never finance."""
    return access.can_change(actor, activity) and access.oversees(actor, activity.owner)


def require_may_edit(actor, activity: Activity) -> None:
    if not may_edit(actor, activity):
        raise PermissionDenied(_("Only the owner of this follow-up or their manager may change it."))


def _locked(activity: Activity, version: int | None) -> Activity:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


@transaction.atomic
def update_activity(activity: Activity, *, actor, data: dict, version: int) -> Activity:
    """Edit a follow-up (owner or overseer only; ``version`` is the one the editor read). Every changed field is
    audited (``AuditedModel``); the links are checked again. A visit record's ``visit_plan`` is not editable here.
    If the time moved later, the customer's / lead's last contact moves forward; it never moves back. A changed
    next-contact date moves (or makes) its reminder task."""
    require_may_edit(actor, activity)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    activity = _locked(activity, version)
    next_contact_before = activity.next_contact_on
    for name, value in data.items():
        setattr(activity, name, value)
    check_links(activity, actor)
    activity.full_clean(exclude=["owner", "team", "visit_plan"])
    activity.save()
    touch_related(activity)
    if activity.next_contact_on != next_contact_before:
        remind_next_contact(activity, actor=actor)
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, actor) -> None:
    """Delete a follow-up (owner or overseer only; audited by ``AuditedModel``).

    Deleting never moves the customer's / lead's last contact back: that fact records that someone was in touch,
    and recomputing it from what is left would let a deletion push a customer into the pool."""
    require_may_edit(actor, activity)
    activity = _locked(activity, None)
    activity.delete()
