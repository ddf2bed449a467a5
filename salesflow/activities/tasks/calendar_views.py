"""The calendar page: day / week / month of a rep's (or the whole team's) plans, visits and tasks."""

import calendar as pycalendar
import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.org import access
from salesflow.org.models import Scope

from . import selectors
from .calendar import PER_DAY, calendar_window
from .forms import owner_choices_queryset

VIEWS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}
# Entries shown a day before "N more" (a whole team's day can hold hundreds); the day view lists far more.
WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


def view_range(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """(first shown day, last shown day, previous anchor, next anchor) of a view around ``day``; a month shows whole
    weeks (Monday to Sunday) around the month."""
    if view == "day":
        return day, day, day - datetime.timedelta(days=1), day + datetime.timedelta(days=1)
    if view == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=6), day - datetime.timedelta(days=7), \
            day + datetime.timedelta(days=7)
    first = day.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return (first - datetime.timedelta(days=first.weekday()), last + datetime.timedelta(days=6 - last.weekday()),
            previous, following)


@login_required
def calendar_page(request):
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
    anchor = _parse_day(request.GET.get("date", ""))
    owner, owner_value = selectors.pick_owner(request.user, request.GET.get("owner", ""))
    first, last, previous, following = view_range(view, anchor)
    owners = [owner] if owner is not None else list(access.users_in_scope(request.user).values_list("pk", flat=True))
    window = calendar_window(request.user, owners=owners, first_day=first, last_day=last, per_day=PER_DAY[view])
    by_day: dict[datetime.date, list] = {}
    for entry in window.entries:
        by_day.setdefault(entry.day, []).append(entry)
    today = timezone.localdate()
    days = []
    for d in (first + datetime.timedelta(days=n) for n in range((last - first).days + 1)):
        shown = by_day.get(d, [])
        days.append({"date": d, "entries": shown, "more": window.more_on(d, len(shown)), "today": d == today,
                     "outside": view == "month" and d.month != anchor.month})
    return render(request, "activities/tasks/calendar.html", {
        "view": view, "views": VIEWS.items(), "anchor": anchor, "days": days, "first": first, "last": last,
        "previous": previous, "next": following, "today": today, "owner_value": owner_value,
        "owners": owner_choices_queryset(request.user), "weekdays": WEEKDAYS,
        "may_pick": access.effective_scope(request.user) != Scope.OWN, "team": owner is None,
        "owner_query": f"&owner={owner_value}" if owner_value else "", "count": window.total})
