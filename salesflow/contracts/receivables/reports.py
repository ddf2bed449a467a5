"""``salesflow report receivables|collections --json [--user U] [--as-of DATE] [--period P] [--by G]``: the same
selectors as the pages, as JSON (money as strings to the cent)."""

import datetime

from django.utils import timezone

from salesflow.core.registry import reports

from . import selectors


def _date(value) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--as-of {value!r} is not a date (YYYY-MM-DD)") from None


@reports.register("receivables", "outstanding receivables in ageing buckets as of a date, by rep/team/customer; DSO")
def receivables_report(*, user=None, period=None, as_of=None, by=None):
    day = _date(as_of)
    group_by = by or "rep"
    if group_by not in selectors.GROUPS:
        raise ValueError(f"--by {group_by!r}: use one of {', '.join(selectors.GROUPS)}")
    result = selectors.ageing(user, day, group_by)
    return {"as_of": day, "group_by": group_by, "totals": result["totals"], "rows": result["rows"],
            "dso": selectors.dso(user, day, by="team")}


@reports.register("collections", "signed, collected, invoiced and collection rate in a period; collection forecast")
def collections_report(*, user=None, period=None, by=None):
    stats = selectors.collection_stats(user, period or None, by=by or "month")
    return {**stats, "forecast": selectors.collection_forecast(user)}
