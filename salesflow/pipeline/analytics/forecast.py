"""Forecast for a period: closed won + weighted pipeline, by forecast category (cumulative), team and rep.

Two aggregate queries (won in the period; open closing in the period), grouped by team, rep and category; the total,
the team and the rep breakdowns are all summed from those rows, so the page costs two scans, not six.
"""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from ..models import Opportunity

CATEGORIES = ["commit", "best_case", "pipeline"]
GROUPS = {"team__name": "team_id", "owner__username": "owner_id"}


def _weighted():
    return ExpressionWrapper(F("amount") * F("stage__win_rate") / 100,
                             output_field=DecimalField(max_digits=20, decimal_places=2))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _rows(opportunities, period):
    # closed_at as a range of datetimes (not closed_at__date) so the (closed_at, status) index serves it
    won = opportunities.filter(status=Opportunity.Status.WON, closed_at__gte=_day_start(period.start),
                               closed_at__lt=_day_start(period.end + datetime.timedelta(days=1)))
    open_ = opportunities.filter(status=Opportunity.Status.TRACKING,
                                 expected_close_date__range=(period.start, period.end))
    closed_rows = list(won.values("team_id", "owner_id").annotate(total=Sum("amount")).order_by())
    open_rows = list(open_.values("team_id", "owner_id", "forecast_category")
                     .annotate(total=Sum("amount"), weighted=Sum(_weighted())).order_by())
    return closed_rows, open_rows


def _roll(closed_rows, open_rows, key) -> dict:
    groups: dict = {}

    def group(k):
        return groups.setdefault(k, {"closed": Decimal(0), "weighted_pipeline": Decimal(0),
                                     **{c: Decimal(0) for c in CATEGORIES}})

    for row in closed_rows:
        group(key(row))["closed"] += row["total"] or 0
    for row in open_rows:
        g = group(key(row))
        if row["forecast_category"] in CATEGORIES:
            g[row["forecast_category"]] += row["total"] or 0
        if row["forecast_category"] != "omitted":
            g["weighted_pipeline"] += row["weighted"] or 0
    result = {}
    for k, g in groups.items():
        commit = g["closed"] + g["commit"]
        best = commit + g["best_case"]
        result[k] = {"group": k, "closed_won": g["closed"], "commit": commit, "best_case": best,
                     "pipeline": best + g["pipeline"],
                     "weighted": (g["closed"] + g["weighted_pipeline"]).quantize(Decimal("0.01"))}
    return result


def _names(group_by: str, ids) -> dict:
    from salesflow.org.models import Team, User

    if group_by == "team__name":
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    # People by display name (falling back to the login), as everywhere else in the UI.
    users = User.objects.filter(pk__in=ids).only("username", "display_name", "first_name", "last_name")
    return {user.pk: str(user) for user in users}


EMPTY = {"group": None, "closed_won": Decimal(0), "commit": Decimal(0), "best_case": Decimal(0),
         "pipeline": Decimal(0), "weighted": Decimal(0)}


def _grouped(closed_rows, open_rows, group_by) -> list[dict]:
    column = GROUPS[group_by]
    rolled = _roll(closed_rows, open_rows, lambda row: row[column])
    names = _names(group_by, [k for k in rolled if k is not None])
    rows = [{**r, "group": names.get(k)} for k, r in rolled.items()]
    return sorted(rows, key=lambda r: (-r["weighted"], str(r["group"])))


def forecast(opportunities, period, group_by: str | None = None) -> list[dict] | dict:
    """``group_by`` None -> one dict; "team__name" or "owner__username" -> one dict per group."""
    closed_rows, open_rows = _rows(opportunities, period)
    if group_by:
        return _grouped(closed_rows, open_rows, group_by)
    return _roll(closed_rows, open_rows, lambda row: None).get(None, dict(EMPTY))


def forecast_by(opportunities, period, key) -> dict:
    """The forecast per group from the same two queries: ``key`` maps a row (its ``owner_id``, ``team_id``) to its
    group, e.g. the division an owner belongs to."""
    return _roll(*_rows(opportunities, period), key)


def forecast_breakdown(opportunities, period) -> dict:
    """{"total": {...}, "by_team": [...], "by_rep": [...]} from the same two aggregate queries."""
    closed_rows, open_rows = _rows(opportunities, period)
    return {"total": _roll(closed_rows, open_rows, lambda row: None).get(None, dict(EMPTY)),
            "by_team": _grouped(closed_rows, open_rows, "team__name"),
            "by_rep": _grouped(closed_rows, open_rows, "owner__username")}
