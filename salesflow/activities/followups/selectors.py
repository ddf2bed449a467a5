"""Reads of follow-up records: the timelines shown on the customer 360, the opportunity, lead and agreement pages,
and a rep's own timeline. Visible rows only (``org.access``)."""

from ..models import Activity

# What a timeline row shows beside the activity itself (one join, no query per row).
DISPLAY_RELATED = ("owner", "customer", "contact", "opportunity", "lead", "agreement")


def visible_activities(viewer):
    return Activity.objects.visible_to(viewer).select_related(*DISPLAY_RELATED)


def timeline(viewer, *, customer=None, opportunity=None, lead=None, agreement=None, owner=None,
             limit: int | None = 50) -> list[Activity]:
    """The follow-ups and visit records ``viewer`` may see about the given records (all given filters apply),
    newest first, at most ``limit`` rows (``None``: all)."""
    rows = visible_activities(viewer)
    for field, value in (("customer", customer), ("opportunity", opportunity), ("lead", lead),
                         ("agreement", agreement), ("owner", owner)):
        if value is not None:
            rows = rows.filter(**{field: value})
    rows = rows.order_by("-occurred_at", "-id")
    return list(rows[:limit] if limit is not None else rows)
