"""Forecast for a period: closed won + weighted pipeline, by forecast category (cumulative), team and rep."""

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from ..models import Opportunity

CATEGORIES = ["commit", "best_case", "pipeline"]


def _weighted():
    return ExpressionWrapper(F("amount") * F("stage__win_rate") / 100,
                             output_field=DecimalField(max_digits=20, decimal_places=2))


def forecast(opportunities, period, group_by: str | None = None) -> list[dict] | dict:
    """``group_by`` None -> one dict; "team__name" or "owner__username" -> one dict per group."""
    won = opportunities.filter(status=Opportunity.Status.WON, closed_at__date__range=(period.start, period.end))
    open_ = opportunities.filter(status=Opportunity.Status.TRACKING,
                                 expected_close_date__range=(period.start, period.end))
    keys = [group_by] if group_by else []
    closed_rows = won.values(*keys).annotate(total=Sum("amount")).order_by()
    open_rows = (open_.values(*keys, "forecast_category")
                 .annotate(total=Sum("amount"), weighted=Sum(_weighted())).order_by())
    groups: dict = {}

    def group(key):
        return groups.setdefault(key, {"closed": Decimal(0), "weighted_pipeline": Decimal(0),
                                       **{c: Decimal(0) for c in CATEGORIES}})

    for row in closed_rows:
        group(row.get(group_by) if group_by else None)["closed"] += row["total"] or 0
    for row in open_rows:
        g = group(row.get(group_by) if group_by else None)
        if row["forecast_category"] in CATEGORIES:
            g[row["forecast_category"]] += row["total"] or 0
        if row["forecast_category"] != "omitted":
            g["weighted_pipeline"] += row["weighted"] or 0
    result = []
    for key, g in groups.items():
        commit = g["closed"] + g["commit"]
        best = commit + g["best_case"]
        result.append({
            "group": key, "closed_won": g["closed"], "commit": commit, "best_case": best,
            "pipeline": best + g["pipeline"], "weighted": (g["closed"] + g["weighted_pipeline"]).quantize(
                Decimal("0.01")),
        })
    if not group_by:
        return result[0] if result else {"group": None, "closed_won": Decimal(0), "commit": Decimal(0),
                                         "best_case": Decimal(0), "pipeline": Decimal(0), "weighted": Decimal(0)}
    return sorted(result, key=lambda r: -r["weighted"])
