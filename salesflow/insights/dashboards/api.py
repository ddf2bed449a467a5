"""/api/v1/insights/dashboard and /api/v1/insights/records/{key}: the caller's role dashboard and the records behind
any of its figures — the same functions as the home page, so page, API and CLI agree to the cent."""

from typing import Any

from ninja import Router, Schema

from salesflow.core.api_schemas import QueryDate, QueryId, QueryText

from . import drills
from .panels import dashboard
from .scope import scope_from

router = Router(tags=["insights"])


class DashboardOut(Schema):
    role: str
    scope: dict[str, Any]
    panels: list[dict[str, Any]]


class RecordsOut(Schema):
    figure: str
    count: int
    value: str | None
    first: str
    last: str
    rows: list[dict[str, Any]]


RECORDS_LIMIT = 200  # the first rows; count and value are over all of them


@router.get("/dashboard", response=DashboardOut,
            summary="The caller's role dashboard (rep, manager, director or finance) for a period, team, region and "
                    "product series")
def get_dashboard(request, period: QueryText = "", team: QueryId = None, region: QueryId = None,
                  series: QueryText = ""):
    scope = scope_from(request.user, {"period": period, "team": team, "region": region, "series": series})
    return dashboard(scope)


@router.get("/records/{key}", response=RecordsOut,
            summary="The records behind a dashboard figure (signed, collected, won, product_lines, due, invoiced): "
                    "their count and sum equal the figure")
def get_records(request, key: str, period: QueryText = "", team: QueryId = None, region: QueryId = None,
                series: QueryText = "", first: QueryDate = None, last: QueryDate = None, by_team: QueryId = None,
                by_region: QueryId = None, by_series: QueryText = ""):
    from django.http import Http404

    drill = drills.DRILLS.get(key)
    if drill is None:
        raise Http404
    scope = scope_from(request.user, {"period": period, "team": team, "region": region, "series": series})
    narrow = drills.narrowing({"first": first, "last": last, "by_team": by_team, "by_region": by_region,
                               "by_series": by_series})
    rows = drills.rows(drill, scope, **narrow)
    summary = drills.total(drill, rows)
    lines = [drills.describe(drill, row) for row in drills.listed(drill, rows)[:RECORDS_LIMIT]]
    first, last = narrow.get("first") or scope.period.start, narrow.get("last") or scope.period.end
    return {"figure": key, "count": summary["count"], "value": str(summary["value"]) if drill.amount else None,
            "first": str(first), "last": str(last),
            "rows": [{"day": str(line["day"]), "label": line["label"], "url": line["url"],
                      "owner": str(line["owner"]), "amount": None if line["amount"] is None else str(line["amount"])}
                     for line in lines]}
