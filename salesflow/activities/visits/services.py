"""Visit plan actions (拜访计划 → 签到 → 拜访记录). The pages, the API and a visit record's "next visit" all go
through these functions: each runs in one transaction, locks the plan row and checks the version the caller read.

Who may act: the plan's owner, or a manager overseeing them (``org.access.oversees``); never finance.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.org import access

from ..followups.services import record_activity
from ..models import Activity, Task, VisitPlan
from ..tasks.services import create_task

S = VisitPlan.Status

# What a person may type when planning or editing a visit; owner/team/status are decided here.
EDITABLE_FIELDS = ("customer", "opportunity", "planned_on", "planned_time", "objective", "commitment_sought")
# What a visit record takes (the plan gives the customer and the owner).
RECORD_FIELDS = ("subject", "notes", "outcome", "commitment_obtained", "next_step", "next_contact_on", "contact",
                 "opportunity", "occurred_at", "next_kind")
NEXT_KINDS = ("visit", "task")
TASK_DUE_TIME = datetime.time(9, 0)  # a task made from a visit's next contact date is due at 09:00 that day


def require_may_act_for(actor, owner) -> None:
    """Field work is done by its owner or a manager overseeing them; finance does none."""
    if not access.can_create_pipeline_records(actor):
        raise PermissionDenied(_("Your role cannot plan or record visits."))
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You may only plan and record visits for yourself or people in your team."))


def may_act_on(actor, plan: VisitPlan) -> bool:
    """Whether ``actor`` may check in, record, edit or cancel ``plan`` (pages use it to offer the buttons)."""
    try:
        require_may_act_for(actor, plan.owner)
    except PermissionDenied:
        return False
    return True


def _locked(plan: VisitPlan, version: int | None) -> VisitPlan:
    locked = VisitPlan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


def _check_plan(plan: VisitPlan, actor, contacts, *, date_changed: bool) -> None:
    """The links must be visible to the actor and belong to the plan's customer; a new date is not in the past."""
    errors = {}
    if plan.customer_id is None:
        errors["customer"] = _("Choose the customer to visit.")
    elif not access.can_view(actor, plan.customer):
        errors["customer"] = _("You may not see this customer.")
    if plan.opportunity_id:
        if not access.can_view(actor, plan.opportunity):
            errors["opportunity"] = _("You may not see this opportunity.")
        elif plan.customer_id and plan.opportunity.customer_id != plan.customer_id:
            errors["opportunity"] = _("This opportunity belongs to another customer.")
    if any(contact.customer_id != plan.customer_id for contact in contacts):
        errors["contacts"] = _("Every contact must belong to the customer visited.")
    if date_changed and plan.planned_on and plan.planned_on < timezone.localdate():
        errors["planned_on"] = _("A visit cannot be planned for a day in the past.")
    if errors:
        raise ValidationError(errors)


def _only_known(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})


@transaction.atomic
def plan_visit(*, actor, data: dict, owner=None, contacts=(), source_activity=None) -> VisitPlan:
    """Plan a visit for ``owner`` (default: the actor). ``data`` holds model instances/values for
    :data:`EDITABLE_FIELDS`; ``contacts`` are the customer's contacts to meet."""
    owner = owner or actor
    require_may_act_for(actor, owner)
    _only_known(data, EDITABLE_FIELDS)
    contacts = list(contacts)
    plan = VisitPlan(owner=owner, team_id=owner.team_id, created_by=actor, source_activity=source_activity, **data)
    _check_plan(plan, actor, contacts, date_changed=True)
    plan.full_clean(exclude=["owner", "team", "created_by", "source_activity", "contacts"])
    plan.save()
    if contacts:
        plan.contacts.set(contacts)
    return plan


@transaction.atomic
def update_plan(plan: VisitPlan, *, actor, data: dict, version: int, contacts=None) -> VisitPlan:
    """Change a plan that is not yet visited or cancelled (``contacts=None`` leaves the contacts as they are)."""
    require_may_act_for(actor, plan.owner)
    _only_known(data, EDITABLE_FIELDS)
    plan = _locked(plan, version)
    if plan.status not in (S.PLANNED, S.CHECKED_IN):
        raise ValidationError(_("A visited or cancelled plan cannot be changed."))
    old_day = plan.planned_on
    for field, value in data.items():
        setattr(plan, field, value)
    if contacts is not None:
        contacts = list(contacts)
    elif "customer" in data:
        contacts = list(plan.contacts.all())  # the old contacts must still fit a changed customer
    _check_plan(plan, actor, contacts or [], date_changed=plan.planned_on != old_day)
    plan.full_clean(exclude=["owner", "team", "created_by", "source_activity", "contacts"])
    plan.save()
    if contacts is not None:
        plan.contacts.set(contacts)
    return plan


def _coordinate(value, field: str, limit: int, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = _("Enter a value between -%(limit)s and %(limit)s.") % {"limit": limit}
        return None
    return number


def _accuracy(value, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = round(float(value))
    except (TypeError, ValueError, OverflowError):
        errors["accuracy"] = _("Enter a number of metres.")
        return None
    if not 0 <= number <= 2**31 - 1:
        errors["accuracy"] = _("Enter a number of metres of 0 or more.")
        return None
    return number


@transaction.atomic
def check_in(plan: VisitPlan, *, actor, latitude=None, longitude=None, accuracy=None, at=None,
             version: int | None = None) -> VisitPlan:
    """Check in on a planned visit: the moment, and where the browser said the rep was (optional: a rep who does
    not allow location checks in without it). Once only."""
    require_may_act_for(actor, plan.owner)
    plan = _locked(plan, version)
    if plan.status != S.PLANNED:
        raise ValidationError({"status": {
            S.CHECKED_IN: _("You have already checked in for this visit (at %(time)s).") % {
                "time": timezone.localtime(plan.checked_in_at).strftime("%Y-%m-%d %H:%M") if plan.checked_in_at
                else ""},
            S.DONE: _("This visit is already recorded: there is nothing to check in to."),
            S.CANCELLED: _("This visit is cancelled: you cannot check in."),
        }.get(plan.status, _("You cannot check in to this visit."))})
    refusal = plan.check_in_refusal(timezone.localdate())
    if refusal:
        raise ValidationError({"planned_on": refusal})
    errors = {}
    lat = _coordinate(latitude, "latitude", 90, errors)
    lng = _coordinate(longitude, "longitude", 180, errors)
    acc = _accuracy(accuracy, errors)
    if not errors and (lat is None) != (lng is None):
        errors["latitude" if lat is None else "longitude"] = _("Send both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    plan.status = S.CHECKED_IN
    plan.checked_in_at = at or timezone.now()
    plan.latitude, plan.longitude = lat, lng
    plan.location_accuracy = acc if lat is not None else None
    plan.save()
    return plan


def _next_day_error(day) -> str | None:
    if day is not None and day < timezone.localdate():
        return _("The next contact date cannot be in the past.")
    return None


@transaction.atomic
def record_visit(plan: VisitPlan, *, actor, data: dict, version: int | None = None) -> Activity:
    """Record what came of a planned (or checked-in: checking in is not required) visit, once. The record is a
    follow-up of kind "visit" (which moves the customer's last contact forward); the plan becomes "visited". With a
    next contact date, the next visit is planned (``next_kind="visit"``, the default) or a task is created
    (``next_kind="task"``, due 09:00 that day), titled with the next step."""
    require_may_act_for(actor, plan.owner)
    _only_known(data, RECORD_FIELDS)
    plan = _locked(plan, version)
    if plan.status == S.DONE:
        raise ValidationError({"status": _("This visit is already recorded; edit the visit record instead of "
                                           "recording it again.")})
    if plan.status == S.CANCELLED:
        raise ValidationError({"status": _("This visit is cancelled: it cannot be recorded.")})
    data = dict(data)
    next_kind = data.pop("next_kind", None) or "visit"
    errors = {}
    if next_kind not in NEXT_KINDS:
        errors["next_kind"] = _("Choose a visit or a task.")
    next_day = data.get("next_contact_on")
    if _next_day_error(next_day):
        errors["next_contact_on"] = _next_day_error(next_day)
    if next_day and not (data.get("next_step") or "").strip():
        errors["next_step"] = _("Say what the next step is: it becomes the next visit's objective or the task.")
    if errors:
        raise ValidationError(errors)
    data.setdefault("opportunity", plan.opportunity)
    if not (data.get("subject") or "").strip():
        data["subject"] = plan.objective[:200]
    data.setdefault("occurred_at", plan.checked_in_at or timezone.now())
    activity = record_activity(actor=actor, data={**data, "kind": Activity.Kind.VISIT, "customer": plan.customer},
                               owner=plan.owner, remind=False)
    activity.visit_plan = plan
    activity.save(update_fields=["visit_plan"])
    plan.status = S.DONE
    plan.save()
    if next_day:
        step = data["next_step"].strip()
        if next_kind == "visit":
            plan_visit(actor=actor, owner=plan.owner, source_activity=activity,
                       contacts=[activity.contact] if activity.contact_id else (),
                       data={"customer": plan.customer, "opportunity": activity.opportunity, "planned_on": next_day,
                             "objective": step})
        else:
            due = timezone.make_aware(datetime.datetime.combine(next_day, TASK_DUE_TIME))
            create_task(actor=actor, owner=plan.owner, source_activity=activity,
                        data={"title": step[:Task._meta.get_field("title").max_length],
                              "notes": step if len(step) > Task._meta.get_field("title").max_length else "",
                              "due_at": due, "customer": plan.customer, "opportunity": activity.opportunity})
    return activity


@transaction.atomic
def cancel_visit(plan: VisitPlan, *, actor, reason: str = "", version: int | None = None) -> VisitPlan:
    """Cancel a visit not yet recorded; the reason is required and kept in the audit log with the change."""
    require_may_act_for(actor, plan.owner)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the visit is cancelled.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Enter at most %(n)s characters.") % {"n": 300}})
    plan = _locked(plan, version)
    if plan.status == S.DONE:
        raise ValidationError({"status": _("This visit is already recorded: it cannot be cancelled.")})
    if plan.status == S.CANCELLED:
        raise ValidationError({"status": _("This visit is already cancelled.")})
    plan.status = S.CANCELLED
    plan.save()
    audit.record(plan, "action", changes={"cancelled": True, "reason": reason}, note=reason, actor=actor)
    return plan


def cancel_reason(plan: VisitPlan) -> str:
    """The reason given when ``plan`` was cancelled ("" if it is not cancelled)."""
    if plan.status != S.CANCELLED:
        return ""
    from salesflow.core.models import AuditEntry

    entry = AuditEntry.for_object(plan).filter(action="action", changes__cancelled=True).first()
    return entry.note if entry else ""
