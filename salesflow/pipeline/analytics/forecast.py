"""Forecast for a period: closed won + weighted pipeline, by forecast category (cumulative), team and rep.

Two aggregate queries (won in the period; open closing in the period), grouped by team, rep and category; the total,
the team and the rep breakdowns are all summed from those rows, so the page costs two scans, not six. The won part
can come from the month roll-up instead (:func:`won_rolled_up`, for a period of whole months): the same rows, summed
from a few per person and month.
"""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from salesflow.core.periods import whole_months

from ..models import Opportunity, WonMonthly

CATEGORIES = ["commit", "best_case", "pipeline"]
GROUPS = {"team__name": "team_id", "owner__username": "owner_id"}


def _weighted():
    return ExpressionWrapper(F("amount") * F("stage__win_rate") / 100,
                             output_field=DecimalField(max_digits=20, decimal_places=2))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def won_rolled_up(user, period, owners=None) -> list[dict] | None:
    """The forecast's won rows (``team_id``, ``owner_id``, ``total``) of the deals ``user`` may see (those of
    ``owners`` only, when given), from the month roll-up; None when it cannot answer: a period that is not whole
    months, or a roll-up kept in another time zone than the site's."""
    if not whole_months(period.start, period.end) or not WonMonthly.usable():
        return None
    rows = WonMonthly.objects.seen_by(user)
    if owners is not None:
        rows = rows.filter(owner_id__in=owners)
    grouped = (rows.filter(month__gte=period.start, month__lte=period.end).values("team_key", "owner_id")
               .annotate(total=Sum("value")).order_by())
    return [{"team_id": r["team_key"] or None, "owner_id": r["owner_id"] or None, "total": r["total"]}
            for r in grouped]


def _rows(opportunities, period, won=None):
    """The won rows (unless given: ``won``, from :func:`won_rolled_up` for the same deals) and the open rows."""
    open_ = opportunities.filter(status=Opportunity.Status.TRACKING,
                                 expected_close_date__range=(period.start, period.end))
    closed_rows = won
    if closed_rows is None:
        # closed_at as a range of datetimes (not closed_at__date) so the (closed_at, status) index serves it
        closed = opportunities.filter(status=Opportunity.Status.WON, closed_at__gte=_day_start(period.start),
                                      closed_at__lt=_day_start(period.end + datetime.timedelta(days=1)))
        closed_rows = list(closed.values("team_id", "owner_id").annotate(total=Sum("amount")).order_by())
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


def forecast(opportunities, period, group_by: str | None = None, won=None) -> list[dict] | dict:
    """``group_by`` None -> one dict; "team__name" or "owner__username" -> one dict per group. ``won``: the won
    rows of the same deals from :func:`won_rolled_up` (None: read them from ``opportunities``)."""
    closed_rows, open_rows = _rows(opportunities, period, won)
    if group_by:
        return _grouped(closed_rows, open_rows, group_by)
    return _roll(closed_rows, open_rows, lambda row: None).get(None, dict(EMPTY))


def forecast_by(opportunities, period, key, won=None) -> dict:
    """The forecast per group from the same two queries: ``key`` maps a row (its ``owner_id``, ``team_id``) to its
    group, e.g. the division an owner belongs to. ``won`` as for :func:`forecast`."""
    return _roll(*_rows(opportunities, period, won), key)


def forecast_breakdown(opportunities, period) -> dict:
    """{"total": {...}, "by_team": [...], "by_rep": [...]} from the same two aggregate queries."""
    closed_rows, open_rows = _rows(opportunities, period)
    return {"total": _roll(closed_rows, open_rows, lambda row: None).get(None, dict(EMPTY)),
            "by_team": _grouped(closed_rows, open_rows, "team__name"),
            "by_rep": _grouped(closed_rows, open_rows, "owner__username")}
