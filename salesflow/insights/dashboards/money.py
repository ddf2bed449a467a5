"""Dashboard panels of money over time (signed, collected, due, invoiced — through :mod:`.drills`, so each figure,
bar and point clicks through to its records) and of receivables (contracts.receivables)."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from salesflow.contracts.receivables.selectors import BUCKETS, ageing_totals
from salesflow.contracts.receivables.views import AGEING_COLUMNS
from salesflow.core.periods import Period
from salesflow.performance.kpis import selectors as kpis

from . import drills
from .panel import figure, month_bounds, not_filtered, num, panel, records_url
from .scope import Scope

# --- money ----------------------------------------------------------------------------------------------------

def ageing_panel(scope: Scope) -> dict:
    teams = list(scope.team.subtree().values_list("pk", flat=True)) if scope.team else None
    totals = ageing_totals(scope.user, teams=teams)
    url = reverse("contracts:receivables")
    buckets = [(key, str(label)) for key, label in AGEING_COLUMNS if key in BUCKETS]
    chart = {"type": "bar", "x": [label for _k, label in buckets], "series": [
        {"name": _("Outstanding"), "y": [num(totals[k]) for k, _l in buckets]}], "unit": "amount"}
    return panel("ageing", _("Receivables ageing"), chart=chart, url=url, unfiltered=not_filtered(scope),
                 figures=[figure(_("Outstanding"), totals.get("total"), url=url),
                          figure(_("Overdue"), totals.get("overdue"), url=url)])


def year_trend(scope: Scope, key: str, title: str) -> dict:
    """A figure month by month through the period's year, against the year before; each month clicks through."""
    drill = drills.get(key)
    year = scope.period.start.year
    this = drills.by_month(drill, drills.tally(drill, scope, datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                                              regional=False))
    last = drills.by_month(drill, drills.tally(drill, scope, datetime.date(year - 1, 1, 1),
                                              datetime.date(year - 1, 12, 31), regional=False))
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    links = [records_url(scope, key, first=month_bounds(m)[0], last=month_bounds(m)[1]) for m in months]
    # A month that has not begun has no figure yet (a gap in the line), not a zero.
    chart = {"type": "line", "x": [m.strftime("%m") for m in months], "series": [
        {"name": str(year), "y": [num(this.get(m, 0)) if m <= scope.today else None for m in months],
         "links": links},
        {"name": str(year - 1), "y": [num(last.get(m.replace(year=year - 1), 0)) for m in months],
         "links": [records_url(scope, key, first=month_bounds(m.replace(year=year - 1))[0],
                               last=month_bounds(m.replace(year=year - 1))[1]) for m in months]}], "unit": "amount"}
    return panel(f"trend-{key}", title, chart=chart, unfiltered=not_filtered(scope, drill),
                 figures=[figure(str(year), sum(this.values(), Decimal(0)),
                                 url=records_url(scope, key, first=datetime.date(year, 1, 1),
                                                 last=datetime.date(year, 12, 31))),
                          figure(str(year - 1), sum(last.values(), Decimal(0)),
                                 url=records_url(scope, key, first=datetime.date(year - 1, 1, 1),
                                                 last=datetime.date(year - 1, 12, 31)))])


def period_figure(scope: Scope, key: str, label) -> dict:
    drill = drills.get(key)
    result = drills.total(drill, drills.tally(drill, scope, regional=False))
    return figure(label, result["value"], url=records_url(scope, key), count=result["count"])


def side_by_side(scope: Scope, model, path_of, key: str, title: str, narrow: str) -> dict:
    """The period's figure per division (top-level team) or region, against the same period a year before."""
    drill = drills.get(key)
    before = kpis.same_period_last_year(scope.period)
    path = path_of(drill)
    regional = path == drill.region  # by region: the rows split by region
    now = drills.by_division(drill, drills.tally(drill, scope, regional=regional), model, path)
    earlier = drills.by_division(drill, drills.tally(drill, scope, before.start, before.end, regional=regional), model,
                                 path)
    then = {r["node"].pk: r for r in earlier}
    links = [records_url(scope, key, **{narrow: r["node"].pk}) for r in now]
    chart = {"type": "bar", "x": [r["node"].name for r in now], "series": [
        {"name": scope.period.label, "y": [num(r["value"]) for r in now], "links": links},
        {"name": _("A year before"), "y": [num(then[r["node"].pk]["value"]) for r in now]}], "unit": "amount"}
    return panel(narrow.replace("_", "-"), title, chart=chart, unfiltered=not_filtered(scope, drill),
                 items=[{"label": r["node"].name, "value": r["value"], "unit": "amount", "count": r["count"],
                         "url": link} for r, link in zip(now, links, strict=True)])


def product_mix(scope: Scope) -> dict:
    drill = drills.get("product_lines")
    grouped = drills.by_field(drill, drills.tally(drill, scope), "product__series")
    ordered = sorted(grouped.items(), key=lambda kv: -kv[1]["value"])
    links = [records_url(scope, "product_lines", by_series=series or "") for series, _v in ordered]
    labels = [series or _("(no series)") for series, _v in ordered]
    chart = {"type": "pie", "x": labels, "series": [{"name": _("Signed"), "y": [num(v["value"]) for _s, v in ordered],
                                                     "links": links}], "unit": "amount"} if ordered else None
    return panel("product-mix", _("Product mix"), chart=chart, unfiltered=not_filtered(scope, drill),
                 note="" if ordered else _("No data yet."),
                 items=[{"label": label, "value": v["value"], "unit": "amount", "count": v["count"],
                         "url": link if series else ""}
                        for label, (series, v), link in zip(labels, ordered, links, strict=True)])


def collections_vs_plan(scope: Scope) -> dict:
    """Collected against the payment plan (instalments due), month by month through the period."""
    collected, due = drills.get("collected"), drills.get("due")
    got = drills.by_month(collected, drills.tally(collected, scope, regional=False))
    planned = drills.by_month(due, drills.tally(due, scope, regional=False))
    months = months_of(scope.period)
    chart = {"type": "bar", "x": [m.strftime("%Y-%m") for m in months], "series": [
        {"name": _("Due (plan)"), "y": [num(planned.get(m, 0)) for m in months],
         "links": [records_url(scope, "due", first=max(month_bounds(m)[0], scope.period.start),
                               last=min(month_bounds(m)[1], scope.period.end)) for m in months]},
        {"name": _("Collected"), "y": [num(got.get(m, 0)) if m <= scope.today else None for m in months],
         "links": [records_url(scope, "collected", first=max(month_bounds(m)[0], scope.period.start),
                               last=min(month_bounds(m)[1], scope.period.end)) for m in months]}],
        "unit": "amount"}
    return panel("collections", _("Collections vs plan"), chart=chart, unfiltered=not_filtered(scope, collected),
                 figures=[period_figure(scope, "due", _("Due (plan)")),
                          period_figure(scope, "collected", _("Collected"))])


def months_of(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = month_bounds(month)[1] + datetime.timedelta(days=1)
    return months


def invoices_panel(scope: Scope) -> dict:
    return panel("invoices", _("Invoices"), url=reverse("contracts:invoice-list"),
                 unfiltered=not_filtered(scope, drills.get("invoiced")),
                 figures=[period_figure(scope, "invoiced", _("Invoices issued")),
                          period_figure(scope, "collected", _("Collected")),
                          period_figure(scope, "signed", _("Signed amount"))])


def period_panel(scope: Scope) -> dict:
    return panel("period", _("This period"), unfiltered=not_filtered(scope, drills.get("signed")), figures=[
        period_figure(scope, "signed", _("Signed amount")), period_figure(scope, "won", _("Won amount")),
        period_figure(scope, "collected", _("Collected amount"))])
