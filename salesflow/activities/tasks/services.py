"""Task actions. The form, the API, a visit record's "next step" and the jobs all go through these.

Rules (one place): the assignee, or someone who oversees the assignee (``access.oversees``), changes a task;
a task is handed only to someone the actor oversees; finance does no field work. Every change is a versioned,
audited save (``Task`` is an ``AuditedModel`` and a ``VersionedModel``); a task handed to someone by another
person notifies them in the in-app notification centre, inside the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.concurrency import StaleEditError
from salesflow.core.notifications import notify
from salesflow.org import access

from ..models import Task

EDITABLE_FIELDS = ("title", "notes", "due_at", "priority", "customer", "opportunity", "lead", "agreement")
LINK_FIELDS = ("customer", "opportunity", "lead", "agreement")


def _require_field_worker(actor) -> None:
    if not access.can_create_pipeline_records(actor):
        raise PermissionDenied(_("Your role does not work with tasks."))


def _check_assignee(actor, owner) -> None:
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You may only assign tasks to yourself or to people in your team."))


def _check_fields(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})


def _check_links(task: Task, actor, fields=LINK_FIELDS) -> None:
    errors = {field: _("You may not see this record.") for field in fields
              if getattr(task, field) is not None and not access.can_view(actor, getattr(task, field))}
    for field in ("opportunity", "agreement"):
        linked = getattr(task, field)
        if linked is not None and task.customer_id and linked.customer_id not in (None, task.customer_id):
            errors.setdefault(field, _("This record belongs to another customer."))
    if errors:
        raise ValidationError(errors)


def _notify_assignee(task: Task, actor) -> None:
    if task.owner_id != actor.pk:
        notify(recipient=task.owner, kind="task-assigned", url=task.get_absolute_url(),
               text=_("%(person)s assigned you a task: %(title)s (due %(due)s)") % {
                   "person": str(actor), "title": task.title,
                   "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")})


def can_change_task(actor, task: Task) -> bool:
    """May ``actor`` change ``task``: its assignee, or someone who oversees the assignee (never finance)."""
    return (access.can_create_pipeline_records(actor) and access.can_change(actor, task)
            and access.oversees(actor, task.owner))


def require_change_task(actor, task: Task) -> None:
    if not can_change_task(actor, task):
        raise PermissionDenied(_("You may not change this task."))


def _locked(task: Task, version: int | None) -> Task:
    locked = Task.objects.select_for_update().select_related("owner").get(pk=task.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


@transaction.atomic
def create_task(*, actor, data: dict, owner=None, source_activity=None) -> Task:
    """A task for ``owner`` (default: the actor). A manager may assign inside their subtree
    (``access.oversees``); linked records must be visible to the actor."""
    owner = owner or actor
    _require_field_worker(actor)
    _check_assignee(actor, owner)
    _check_fields(data, EDITABLE_FIELDS)
    task = Task(owner=owner, team_id=owner.team_id, created_by=actor, source_activity=source_activity, **data)
    _check_links(task, actor)
    task.full_clean(exclude=["owner", "team", "created_by", "source_activity"])
    task.save()
    _notify_assignee(task, actor)
    return task


@transaction.atomic
def update_task(task: Task, *, actor, data: dict, version: int | None) -> Task:
    """Change a task's fields; ``data["owner"]`` reassigns it (only to someone the actor oversees). ``version`` is
    the version the actor read (``StaleEditError`` when someone else saved since)."""
    require_change_task(actor, task)
    _check_fields(data, (*EDITABLE_FIELDS, "owner"))
    task = _locked(task, version)
    previous_owner_id = task.owner_id
    new_owner = data.get("owner") or task.owner
    if new_owner.pk != previous_owner_id:
        _check_assignee(actor, new_owner)
    for field, value in data.items():
        if field != "owner":
            setattr(task, field, value)
    task.owner, task.team_id = new_owner, new_owner.team_id
    changed_links = [f for f in LINK_FIELDS if f in data]
    _check_links(task, actor, changed_links)
    task.full_clean(exclude=["owner", "team", "created_by", "source_activity"])
    task.save()
    if task.owner_id != previous_owner_id:
        _notify_assignee(task, actor)
    return task


def _transition(task: Task, *, actor, version, allowed_from, status, done_at, refusal) -> Task:
    require_change_task(actor, task)
    task = _locked(task, version)
    if task.status not in allowed_from:
        raise ValidationError({"status": refusal})
    task.status, task.done_at = status, done_at
    task.save(update_fields=["status", "done_at", "updated_at"])
    return task


@transaction.atomic
def complete_task(task: Task, *, actor, version: int | None = None) -> Task:
    """Mark an open task done (``done_at`` = now)."""
    return _transition(task, actor=actor, version=version, allowed_from={Task.Status.OPEN},
                       status=Task.Status.DONE, done_at=timezone.now(),
                       refusal=_("Only an open task can be marked done."))


@transaction.atomic
def reopen_task(task: Task, *, actor, version: int | None = None) -> Task:
    """Open a done or cancelled task again (``done_at`` cleared)."""
    return _transition(task, actor=actor, version=version, allowed_from={Task.Status.DONE, Task.Status.CANCELLED},
                       status=Task.Status.OPEN, done_at=None,
                       refusal=_("This task is already open."))


@transaction.atomic
def cancel_task(task: Task, *, actor, version: int | None = None) -> Task:
    """Cancel an open task."""
    return _transition(task, actor=actor, version=version, allowed_from={Task.Status.OPEN},
                       status=Task.Status.CANCELLED, done_at=None,
                       refusal=_("Only an open task can be cancelled."))
