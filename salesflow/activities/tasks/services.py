"""Task actions. The form, the API, a visit record's "next step" and the jobs all go through these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesflow.org import access

from ..models import Task

EDITABLE_FIELDS = ("title", "notes", "due_at", "priority", "customer", "opportunity", "lead", "agreement")


@transaction.atomic
def create_task(*, actor, data: dict, owner=None, source_activity=None) -> Task:
    """A task for ``owner`` (default: the actor). A manager may assign inside their subtree
    (``access.oversees``); linked records must be visible to the actor."""
    owner = owner or actor
    if not access.oversees(actor, owner):
        raise PermissionDenied(_("You may only assign tasks to yourself or to people in your team."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    task = Task(owner=owner, team_id=owner.team_id, created_by=actor, source_activity=source_activity, **data)
    errors = {field: _("You may not see this record.") for field in ("customer", "opportunity", "lead", "agreement")
              if getattr(task, field) is not None and not access.can_view(actor, getattr(task, field))}
    if errors:
        raise ValidationError(errors)
    task.full_clean(exclude=["owner", "team", "created_by", "source_activity"])
    task.save()
    return task
