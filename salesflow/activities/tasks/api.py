"""Tasks API under /api/v1/activities/tasks/: list (the page's tabs), detail, create, update (send the version you
read), done / reopen / cancel, and the calendar feed (plans, visits, tasks of a rep or the caller's team)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import (
    BusinessDate,
    Id,
    InputSchema,
    Page,
    PathId,
    QueryText,
    Version,
    text,
)
from salesflow.org import access
from salesflow.org.models import User

from ..models import Task
from . import selectors, services
from .calendar import PER_DAY, calendar_window
from .forms import LINK_MODELS

router = Router(tags=["tasks"])

CALENDAR_MAX_DAYS = 62
CALENDAR_MAX_PER_DAY = 500


class TaskOut(Schema):
    id: int
    title: str
    notes: str
    due_at: datetime.datetime
    priority: int
    status: str
    done_at: datetime.datetime | None
    owner_id: int
    team_id: int | None
    created_by_id: int | None
    customer_id: int | None
    opportunity_id: int | None
    lead_id: int | None
    agreement_id: int | None
    source_activity_id: int | None
    created_at: datetime.datetime
    version: int


class TaskIn(InputSchema):
    title: text(Task, "title", required=True)
    notes: text(Task, "notes") = ""
    due_at: datetime.datetime
    priority: int = Task.Priority.NORMAL
    owner_id: Id | None = None
    customer_id: Id | None = None
    opportunity_id: Id | None = None
    lead_id: Id | None = None
    agreement_id: Id | None = None


class TaskPatch(InputSchema):
    version: Version
    title: text(Task, "title", required=True) = None
    notes: text(Task, "notes") = None
    due_at: datetime.datetime = None
    priority: int = None
    owner_id: Id = None
    customer_id: Id | None = None
    opportunity_id: Id | None = None
    lead_id: Id | None = None
    agreement_id: Id | None = None


class ActionIn(InputSchema):
    version: Version | None = None


class CalendarEntryOut(Schema):
    kind: str
    id: int
    day: datetime.date
    time: datetime.time | None
    title: str
    customer: str
    owner_id: int
    owner: str
    status: str
    status_label: str
    overdue: bool
    url: str


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _resolve(request, changes: dict) -> dict:
    """API ids → the records the service takes (a link the caller may not see is refused naming its field)."""
    data = {}
    for name, value in changes.items():
        if name == "owner_id":
            if value is None:  # the caller
                continue
            owner = User.objects.filter(pk=value, is_active=True).first()
            if owner is None:
                raise ValidationError({"owner_id": _("No such active user.")})
            data["owner"] = owner
        elif name.removesuffix("_id") in LINK_MODELS:
            field = name.removesuffix("_id")
            record = None
            if value is not None:
                record = LINK_MODELS[field].objects.visible_to(request.user).filter(pk=value).first()
                if record is None:
                    raise ValidationError({name: _("No such record, or you may not see it.")})
            data[field] = record
        elif name == "due_at":
            data[name] = _aware(value)
        else:
            data[name] = value
    return data


@router.get("/", response=list[TaskOut], summary="Tasks: tab today|overdue|upcoming|done|all; owner = a user id, "
                                                   "\"team\" (everyone the caller oversees) or empty (the caller)")
@paginate(Page)
def list_tasks(request, tab: QueryText = "", owner: QueryText = ""):
    who, _value = selectors.pick_owner(request.user, owner)
    tasks = selectors.visible_tasks(request.user, who)
    if tab in ("", "all"):
        return tasks.order_by("due_at", "id")
    if tab not in selectors.TABS:
        raise ValidationError({"tab": _("Choose one of: today, overdue, upcoming, done, all.")})
    return selectors.for_tab(tasks, tab)


@router.get("/calendar", response=list[CalendarEntryOut],
            summary="Calendar feed: visit plans, visit records and tasks from start to end (inclusive, ≤ 62 days), "
                    "at most per_day entries a day (earliest first; default 200, at most 500). The headers "
                    "X-Calendar-Total and X-Calendar-Shown count every entry in range and those returned.")
def calendar_feed(request, response: HttpResponse, start: BusinessDate, end: BusinessDate, owner: QueryText = "",
                  per_day: int = PER_DAY["day"]):
    if end < start or (end - start).days >= CALENDAR_MAX_DAYS:
        raise ValidationError({"end": _("The end must be on or after the start, at most 62 days later.")})
    if not 1 <= per_day <= CALENDAR_MAX_PER_DAY:
        raise ValidationError({"per_day": _("Ask for 1 to 500 entries a day.")})
    who, _value = selectors.pick_owner(request.user, owner)
    owners = [who] if who is not None else list(access.users_in_scope(request.user).values_list("pk", flat=True))
    window = calendar_window(request.user, owners=owners, first_day=start, last_day=end, per_day=per_day)
    response["X-Calendar-Total"] = str(window.total)
    response["X-Calendar-Shown"] = str(len(window.entries))
    return [{**entry.__dict__, "id": entry.pk} for entry in window.entries]


@router.get("/{task_id}", response=TaskOut)
def get_task(request, task_id: PathId):
    return access.get_visible_or_404(Task, request.user, pk=task_id)


@router.post("/", response={201: TaskOut}, summary="Create a task (owner_id: someone the caller oversees)")
def create_task(request, payload: TaskIn):
    data = _resolve(request, payload.dict(exclude_unset=False))
    owner = data.pop("owner", None)
    task = services.create_task(actor=request.user, owner=owner, data=data)
    return Status(201, task)


@router.patch("/{task_id}", response=TaskOut, summary="Update; send the version you read")
def update_task(request, task_id: PathId, payload: TaskPatch):
    task = access.get_visible_or_404(Task.objects.select_related("owner"), request.user, pk=task_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.update_task(task, actor=request.user, version=version, data=_resolve(request, changes))


def _action(request, task_id, payload, run):
    task = access.get_visible_or_404(Task.objects.select_related("owner"), request.user, pk=task_id)
    return run(task, actor=request.user, version=payload.version)


@router.post("/{task_id}/done", response=TaskOut, summary="Open → done (done_at set)")
def done(request, task_id: PathId, payload: ActionIn):
    return _action(request, task_id, payload, services.complete_task)


@router.post("/{task_id}/reopen", response=TaskOut, summary="Done or cancelled → open (done_at cleared)")
def reopen(request, task_id: PathId, payload: ActionIn):
    return _action(request, task_id, payload, services.reopen_task)


@router.post("/{task_id}/cancel", response=TaskOut, summary="Open → cancelled")
def cancel(request, task_id: PathId, payload: ActionIn):
    return _action(request, task_id, payload, services.cancel_task)
