"""Read-side queries of tasks: the list's tabs and whose tasks a page shows (one rule, used by pages, API, tiles)."""

import datetime

from django.utils import timezone

from salesflow.core.periods import aware_bounds
from salesflow.org import access
from salesflow.org.models import Scope

from ..models import Task

TABS = ("today", "overdue", "upcoming", "done")
TEAM = "team"


def today_bounds(now=None) -> tuple[datetime.datetime, datetime.datetime]:
    day = timezone.localdate(now or timezone.now())
    return aware_bounds(day, day)


def for_tab(tasks, tab: str, now=None):
    """``tasks`` narrowed to a tab: due today (open), overdue (open, due before now), upcoming (open, due after
    today) or done (latest first)."""
    now = now or timezone.now()
    start, end = today_bounds(now)
    if tab == "overdue":
        return tasks.overdue(now).order_by("due_at", "id")
    if tab == "upcoming":
        return tasks.open().filter(due_at__gte=end).order_by("due_at", "id")
    if tab == "done":
        return tasks.filter(status=Task.Status.DONE).order_by("-done_at", "-id")
    return tasks.open().due_between(start, end).order_by("due_at", "-priority", "id")


def pick_owner(viewer, value: str):
    """Whose records a page shows from its ``owner`` parameter: ``"team"`` (everyone the viewer oversees), a user
    id in the viewer's scope, or — by default and for anything else — the viewer. Returns (owner or None for the
    team, the value to keep in links)."""
    if value == TEAM and access.effective_scope(viewer) != Scope.OWN:
        return None, TEAM
    if value.isdigit() and int(value) != viewer.pk:
        person = access.users_in_scope(viewer).filter(pk=int(value)).first()
        if person is not None:
            return person, str(person.pk)
    return viewer, ""


def visible_tasks(viewer, owner):
    """The tasks a page lists: the viewer's visible tasks, of ``owner`` when one is chosen."""
    tasks = Task.objects.visible_to(viewer)
    return tasks if owner is None else tasks.filter(owner=owner)


def open_counts(viewer, now=None) -> dict:
    """For the home tiles: the viewer's visible open tasks due today and overdue."""
    now = now or timezone.now()
    start, end = today_bounds(now)
    visible = Task.objects.visible_to(viewer)
    return {"today": visible.open().due_between(start, end), "overdue": visible.overdue(now)}
