"""Tasks' and the calendar's menu entries and home tiles (``core.registry``), for the selling roles only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.paging import tile_count
from salesflow.core.registry import Tile, dashboard_tiles, navigation
from salesflow.org.navigation import sells

from . import selectors

navigation.register("activities:task-list", _("Tasks"), "☑", order=7, visible=sells)
navigation.register("activities:calendar", _("Calendar"), "▦", order=8, visible=sells)


def _team_query(user) -> str:
    return "&owner=team" if getattr(user, "is_manager_or_above", False) else ""


@dashboard_tiles.register("tasks-today", order=15)
def tasks_due_today(user):
    """今日任务: the open tasks due today among the user's visible tasks (a rep: own; a manager: the team)."""
    if not sells(user):
        return None
    count = tile_count(selectors.open_counts(user)["today"])
    return Tile(_("Tasks due today"), count, url=reverse("activities:task-list") + "?tab=today" + _team_query(user),
                testid="tasks-today-tile")


@dashboard_tiles.register("tasks-overdue", order=16)
def tasks_overdue(user):
    """逾期任务: open tasks past their due time among the user's visible tasks."""
    if not sells(user):
        return None
    count = tile_count(selectors.open_counts(user)["overdue"])
    return Tile(_("Overdue tasks"), count, url=reverse("activities:task-list") + "?tab=overdue" + _team_query(user),
                danger=bool(count), testid="tasks-overdue-tile")
