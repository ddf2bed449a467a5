"""Read-side queries of visit plans: every one starts from ``visible_to(viewer)`` (org.access)."""

import datetime

from django.utils import timezone

from ..models import Task, VisitPlan

LIST_LIMIT = 500  # a week of a large team: the page says when more exist and asks to pick a rep or a day
TODAY_LIMIT = 50


def plans(viewer, *, first_day: datetime.date, last_day: datetime.date, owner_id: int | None = None,
          status: str = ""):
    """The plans ``viewer`` may see on ``first_day`` … ``last_day`` (inclusive), of one owner or all visible ones,
    ready to display (customer, owner, opportunity joined; contacts prefetched)."""
    queryset = VisitPlan.objects.visible_to(viewer).between(first_day, last_day)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if status:
        queryset = queryset.filter(status=status)
    return (queryset.select_related("customer", "owner", "opportunity").prefetch_related("contacts")
            .order_by("planned_on", "planned_time", "id"))


def todays_plans(user, day: datetime.date):
    """The user's own plans for ``day``, and their earlier plans still open (not recorded, not cancelled)."""
    mine = VisitPlan.objects.visible_to(user).owned_by(user).select_related("customer", "opportunity")
    today = list(mine.on(day).prefetch_related("contacts").order_by("planned_time", "id")[:TODAY_LIMIT])
    earlier = list(mine.open().filter(planned_on__lt=day).order_by("-planned_on", "id")[:TODAY_LIMIT])
    return today, earlier


def tasks_due(user, day: datetime.date):
    """The user's open tasks due by the end of ``day`` (so today's and the overdue ones), earliest first."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return list(Task.objects.visible_to(user).owned_by(user).open().filter(due_at__lt=end)
                .select_related("customer").order_by("due_at", "-priority", "id")[:TODAY_LIMIT])


def customer_plans(viewer, customer, *, day: datetime.date, limit: int = 10):
    """The customer 360 section: upcoming open plans (from ``day`` on) and the latest past or closed ones."""
    visible = VisitPlan.objects.visible_to(viewer).filter(customer=customer).select_related("owner")
    upcoming = list(visible.open().filter(planned_on__gte=day).order_by("planned_on", "planned_time", "id")[:limit])
    recent = list(visible.exclude(pk__in=[p.pk for p in upcoming]).filter(planned_on__lte=day)
                  .order_by("-planned_on", "-planned_time", "-id")[:limit])
    return upcoming, recent
