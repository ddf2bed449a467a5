"""The shape every dashboard panel shares: plain data (title, figures, an optional chart spec, items, links) so the
page, the API and ``salesflow report dashboard`` show the same thing."""

import datetime

from django.urls import reverse

from ..charts import with_money_axis
from . import drills
from .scope import Scope


def panel(key, title, *, figures=(), chart=None, items=(), url="", note="", unfiltered=()) -> dict:
    """``unfiltered``: the scope filters (region, series) this panel cannot apply; the page says so."""
    if chart:
        with_money_axis(chart)
    return {"key": key, "title": title, "figures": list(figures), "chart": chart, "items": list(items), "url": url,
            "note": note, "unfiltered": list(unfiltered)}


def figure(label, value, unit="amount", url="", count=None) -> dict:
    """``value`` None means no data (the page shows 暂无数据); ``count``: how many records are behind it."""
    return {"label": label, "value": value, "unit": unit, "url": url, "count": count}


def records_url(scope: Scope, key: str, **narrow) -> str:
    return reverse("insights:records", args=[key]) + "?" + scope.query(**narrow)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return month, following - datetime.timedelta(days=1)


def not_filtered(scope: Scope, drill: drills.Drill | None = None) -> list[str]:
    """The chosen filters a panel cannot apply (a panel not built on a drill applies only period and team)."""
    missing = []
    if scope.region is not None and (drill is None or drill.region is None):
        missing.append("region")
    if scope.series and (drill is None or drill.series is None):
        missing.append("series")
    return missing


def num(value):
    return None if value is None else float(value)
