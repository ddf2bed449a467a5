"""``salesflow report activities [--json] [--user U] [--period P] [--by owner|team]``: the activity statistics of a
period (default: this month) as the user sees them (without --user: everyone, the system's view). The same
selector as the page and the API."""

from django.core.exceptions import ValidationError

from salesflow.core.registry import reports

from .selectors import GROUPS, activity_stats, period_range, totals


def activities_report(user=None, period: str | None = None, by: str | None = None) -> dict:
    group = by or "owner"
    if group not in GROUPS:
        raise ValueError(f"--by {group!r}: use one of {', '.join(GROUPS)}")
    try:
        start, end, label = period_range(period)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    rows = activity_stats(user, start=start, end=end, by=group)
    return {"period": label, "start": start, "end": end, "by": group, "user": user.username if user else "",
            "totals": totals(rows), "rows": rows}


@reports.register("activities", "visits planned/done, follow-ups by type, customers touched, A-class gaps and "
                                "open-opportunity coverage per rep or team in a period")
def _activities(*, user=None, period=None, by=None):
    return activities_report(user, period, by)
