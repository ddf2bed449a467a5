"""The calendar (day / week / month) of reps' visit plans, visit records and tasks: one read, one query per kind.

Shown: visit plans not yet visited (planned or checked in), visit records (``Activity`` of kind ``visit``; a
visited plan appears as its record), and tasks that are not cancelled (done ones marked done). Every row is one
the viewer may read (``visible_to``) and belongs to one of ``owners``.

A whole team's week can hold thousands of entries (50 reps), more than a page can show or a person read, so the
page asks for at most ``per_day`` entries a day: the database ranks each kind's rows within their day and counts
them (window functions), so only the shown rows reach Python and each day still says how many it holds."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from salesflow.core.periods import aware_bounds

from ..models import Activity, Task, VisitPlan

PLAN, VISIT, TASK = "plan", "visit", "task"
DETAIL_URLS = {PLAN: "activities:visit-detail", VISIT: "activities:activity-detail", TASK: "activities:task-detail"}


@dataclass(frozen=True)
class CalendarEntry:
    kind: str  # "plan" | "visit" | "task"
    pk: int
    day: datetime.date
    time: datetime.time | None  # local time; None for a plan without a time
    title: str
    customer: str
    owner_id: int
    owner: str  # the person's display name
    status: str  # the record's status (plan/task) or "done" for a visit record
    status_label: str
    overdue: bool = False
    url: str = ""  # the detail page, when that page exists

    @property
    def done(self) -> bool:
        """A task that is done (shown struck through); a visit record is a fact, not a to-do."""
        return self.kind == TASK and self.status == Task.Status.DONE


def _url_maker(kind):
    """``pk -> URL`` of a detail page, reversed once; "" when the page does not exist (yet)."""
    try:
        prefix, suffix = reverse(DETAIL_URLS[kind], args=[0]).rsplit("/0/", 1)
    except NoReverseMatch:
        return lambda pk: ""
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def _owner_ids(owners) -> list[int]:
    return [owner if isinstance(owner, int) else owner.pk for owner in owners]


@dataclass
class CalendarWindow:
    entries: list[CalendarEntry]  # in time order, at most ``per_day`` a day
    day_totals: dict[datetime.date, int]  # every entry of each day, shown or not

    @property
    def total(self) -> int:
        return sum(self.day_totals.values())

    def more_on(self, day: datetime.date, shown: int) -> int:
        return self.day_totals.get(day, 0) - shown


# How many entries a day each view shows (the rest is counted: "还有 N 条"); the API feed defaults to the day view's.
PER_DAY = {"day": 200, "week": 12, "month": 4}


def _per_day(rows, day, order, per_day):
    """``rows`` with the rank of each row within its day and the day's count; at most ``per_day`` rows a day."""
    if per_day is None:
        return rows
    return (rows.annotate(cal_day=day, cal_rank=Window(RowNumber(), partition_by=[day], order_by=order),
                          cal_count=Window(Count("id"), partition_by=[day]))
            .filter(cal_rank__lte=per_day))


def calendar_entries(viewer, *, owners, first_day: datetime.date, last_day: datetime.date) -> list[CalendarEntry]:
    """Every entry of ``owners`` (users or ids) on ``first_day`` … ``last_day`` (inclusive) that ``viewer`` may
    read, in time order (a plan without a time first on its day)."""
    return calendar_window(viewer, owners=owners, first_day=first_day, last_day=last_day).entries


def calendar_window(viewer, *, owners, first_day: datetime.date, last_day: datetime.date,
                    per_day: int | None = None) -> CalendarWindow:
    """The entries of ``owners`` on ``first_day`` … ``last_day`` that ``viewer`` may read, at most ``per_day`` a
    day (all when None), with each day's total. One query per kind: plans, visits, tasks."""
    owner_ids = _owner_ids(owners)
    if not owner_ids:
        return CalendarWindow([], {})
    start, end = aware_bounds(first_day, last_day)
    now = timezone.now()
    entries = []
    totals: dict[datetime.date, int] = {}
    plan_url, visit_url, task_url = _url_maker(PLAN), _url_maker(VISIT), _url_maker(TASK)

    def counted(day, row):
        if per_day is None:
            totals[day] = totals.get(day, 0) + 1
        elif row.cal_rank == 1:
            totals[day] = totals.get(day, 0) + row.cal_count

    plans = (VisitPlan.objects.visible_to(viewer).filter(owner_id__in=owner_ids).between(first_day, last_day).open()
             .select_related("customer", "owner")
             .only("id", "planned_on", "planned_time", "objective", "status", "owner_id", "customer__name",
                   "owner__username", "owner__display_name", "owner__first_name", "owner__last_name"))
    plans = _per_day(plans, F("planned_on"), [F("planned_time").asc(nulls_first=True), F("id")], per_day)
    plan_labels = dict(VisitPlan.Status.choices)
    for plan in plans:
        counted(plan.planned_on, plan)
        entries.append(CalendarEntry(
            PLAN, plan.pk, plan.planned_on, plan.planned_time, plan.objective, plan.customer.name, plan.owner_id,
            str(plan.owner), plan.status, str(plan_labels[plan.status]),
            overdue=plan.planned_on < timezone.localdate(now), url=plan_url(plan.pk)))

    visits = (Activity.objects.visible_to(viewer).filter(owner_id__in=owner_ids).visits().between(start, end)
              .select_related("customer", "lead", "owner")
              .only("id", "occurred_at", "subject", "owner_id", "customer__name", "lead__company",
                    "owner__username", "owner__display_name", "owner__first_name", "owner__last_name"))
    visits = _per_day(visits, TruncDate("occurred_at"), [F("occurred_at"), F("id")], per_day)
    visit_label = str(Activity.Kind.VISIT.label)
    for visit in visits:
        local = timezone.localtime(visit.occurred_at)
        counted(local.date(), visit)
        about = visit.customer.name if visit.customer_id else (visit.lead.company if visit.lead_id else "")
        entries.append(CalendarEntry(
            VISIT, visit.pk, local.date(), local.time().replace(second=0, microsecond=0), visit.subject, about,
            visit.owner_id, str(visit.owner), "done", visit_label, url=visit_url(visit.pk)))

    tasks = (Task.objects.visible_to(viewer).filter(owner_id__in=owner_ids).due_between(start, end)
             .exclude(status=Task.Status.CANCELLED).select_related("customer", "owner")
             .only("id", "due_at", "title", "status", "owner_id", "customer__name",
                   "owner__username", "owner__display_name", "owner__first_name", "owner__last_name"))
    tasks = _per_day(tasks, TruncDate("due_at"), [F("due_at"), F("id")], per_day)
    task_labels = dict(Task.Status.choices)
    for task in tasks:
        local = timezone.localtime(task.due_at)
        counted(local.date(), task)
        entries.append(CalendarEntry(
            TASK, task.pk, local.date(), local.time().replace(second=0, microsecond=0), task.title,
            task.customer.name if task.customer_id else "", task.owner_id, str(task.owner), task.status,
            str(task_labels[task.status]), overdue=task.is_overdue(now), url=task_url(task.pk)))

    entries.sort(key=lambda e: (e.day, e.time is not None, e.time or datetime.time.min, e.kind, e.pk))
    if per_day is not None:  # each kind kept per_day a day: keep the day's first per_day of them all
        kept, shown = [], {}
        for entry in entries:
            shown[entry.day] = shown.get(entry.day, 0) + 1
            if shown[entry.day] <= per_day:
                kept.append(entry)
        entries = kept
    return CalendarWindow(entries, totals)
