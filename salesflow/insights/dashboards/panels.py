"""The panels of each role's dashboard. Each panel is plain data (title, figures, an optional chart, links to the
records behind every number) so the page, the API and ``salesflow report dashboard`` show the same thing.

Every number comes from the module that owns it: targets from performance.targets.completion, the funnel, forecast
and win rates from pipeline.analytics, ageing from contracts.receivables, activity from activities.stats, ranks from
performance.kpis, and money over time from :mod:`.drills` (which reads performance.figures)."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.visits.selectors import tasks_due, todays_plans
from salesflow.contracts.receivables.selectors import BUCKETS, ageing
from salesflow.contracts.receivables.views import AGEING_COLUMNS
from salesflow.core.periods import Period, period_of
from salesflow.org import access
from salesflow.org.models import Region, Role, Team
from salesflow.performance.kpis import selectors as kpis
from salesflow.performance.models import Kpi
from salesflow.performance.targets.completion import completion_tree, own_completion
from salesflow.pipeline.analytics.filters import visible
from salesflow.pipeline.analytics.forecast import forecast
from salesflow.pipeline.analytics.funnel import funnel_rollup
from salesflow.pipeline.analytics.stalled import stalled_queryset
from salesflow.pipeline.analytics.winrates import win_rates
from salesflow.pipeline.models import Opportunity

from ..models import Alert
from . import drills
from .scope import Scope

TARGET_MEASURE = "signed_amount"
LEADERBOARD_SIZE = 10
TODAY_ITEMS = 8  # tasks listed on the panel; the figure and its link count them all


def panel(key, title, *, figures=(), chart=None, items=(), url="", note="", unfiltered=()) -> dict:
    """``unfiltered``: the scope filters (region, series) this panel cannot apply; the page says so."""
    return {"key": key, "title": title, "figures": list(figures), "chart": chart, "items": list(items), "url": url,
            "note": note, "unfiltered": list(unfiltered)}


def figure(label, value, unit="amount", url="", count=None) -> dict:
    """``value`` None means no data (the page shows 暂无数据); ``count``: how many records are behind it."""
    return {"label": label, "value": value, "unit": unit, "url": url, "count": count}


def records_url(scope: Scope, key: str, **narrow) -> str:
    return reverse("insights:records", args=[key]) + "?" + scope.query(**narrow)


def _month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return month, following - datetime.timedelta(days=1)


def _not_filtered(scope: Scope, drill: drills.Drill | None = None) -> list[str]:
    """The chosen filters a panel cannot apply (a panel not built on a drill applies only period and team)."""
    missing = []
    if scope.region is not None and (drill is None or drill.region is None):
        missing.append("region")
    if scope.series and (drill is None or drill.series is None):
        missing.append("series")
    return missing


# --- targets --------------------------------------------------------------------------------------------------

def _target_period(scope: Scope) -> Period | None:
    """Targets exist per year, quarter and month: a week shows its month's target."""
    return period_of("month", scope.period.start) if scope.period.kind == "week" else scope.period


def my_target(scope: Scope) -> dict:
    period = _target_period(scope)
    row = own_completion(scope.user, TARGET_MEASURE, period, today=scope.today)
    url = reverse("performance:target-completion") + "?" + urlencode({"period": period.label})
    if row is None:
        return panel("target", _("Target completion"), url=url, note=_("No approved target for %(period)s yet.")
                     % {"period": period.label}, figures=[figure(_("Target"), None)], unfiltered=_not_filtered(scope))
    chart = {"type": "gauge", "value": _num(row.completion_pct), "reference": _num(row.elapsed_pct),
             "colour": row.colour}
    return panel("target", _("Target completion"), url=url, chart=chart, unfiltered=_not_filtered(scope), figures=[
        figure(_("Target"), row.target, url=url), figure(_("Actual"), row.actual, url=url),
        figure(_("Completion"), row.completion_pct, "percent", url), figure(_("Time elapsed"), row.elapsed_pct,
                                                                           "percent"),
        figure(_("Gap to go"), row.gap), figure(_("Needed per day"), row.per_day)])


def team_targets(scope: Scope) -> dict:
    """Each child of the viewer's node (a manager's reps and sub-teams): target against actual."""
    period = _target_period(scope)
    node = f"team:{scope.team.pk}" if scope.team is not None else None
    tree = completion_tree(scope.user, TARGET_MEASURE, period, node=node, today=scope.today, tree=scope.tree)
    url = reverse("performance:target-completion") + "?" + urlencode({"period": period.label})
    top, children = tree.rows[0], [r for r in tree.rows if r.depth == 1]
    if tree.plan is None:
        return panel("team-targets", _("Team target progress"), url=url, unfiltered=_not_filtered(scope),
                     note=_("No approved target for %(period)s yet.") % {"period": period.label},
                     figures=[figure(_("Target"), None)])
    chart = {"type": "bar", "x": [r.label for r in children], "series": [
        {"name": _("Target"), "y": [_num(r.target) for r in children]},
        {"name": _("Actual"), "y": [_num(r.actual or 0) for r in children],
         "colours": [r.colour for r in children]}], "unit": "amount"}
    return panel("team-targets", _("Team target progress"), url=url, chart=chart, unfiltered=_not_filtered(scope),
                 figures=[figure(top.label + " · " + _("Target"), top.target, url=url),
                          figure(_("Actual"), top.actual, url=url),
                          figure(_("Completion"), top.completion_pct, "percent", url)],
                 items=[{"label": r.label, "value": r.completion_pct, "unit": "percent", "colour": r.colour}
                        for r in children])


# --- pipeline -------------------------------------------------------------------------------------------------

def funnel_panel(scope: Scope, *, own: bool) -> dict:
    pipeline = scope.pipeline
    if pipeline is None:
        return panel("funnel", _("Funnel"), note=_("No pipeline yet."))
    rows = funnel_rollup(scope.user, pipeline, team=scope.team, owner=scope.user if own else None)
    who = {"owner": scope.user.pk} if own else ({"team": scope.team.pk} if scope.team else {})
    links = [reverse("pipeline:list") + "?" + urlencode({"pipeline": pipeline.pk, "stage": r["stage_id"],
                                                         "status": Opportunity.Status.TRACKING, **who}) for r in rows]
    chart = {"type": "funnel", "x": [r["stage"] for r in rows], "series": [
        {"name": _("Amount"), "y": [_num(r["amount"]) for r in rows], "links": links,
         "text": [str(r["count"]) for r in rows]}], "unit": "amount"} if any(r["count"] for r in rows) else None
    return panel("funnel", _("Funnel") + " · " + str(pipeline), chart=chart, unfiltered=_not_filtered(scope),
                 url=reverse("analytics:funnel"),
                 figures=[figure(_("Open deals"), sum(r["count"] for r in rows), "count"),
                          figure(_("Open amount"), sum((Decimal(r["amount"]) for r in rows), Decimal(0)))],
                 items=[{"label": f"{r['order']}. {r['stage']}", "value": r["amount"], "unit": "amount",
                         "count": r["count"], "url": link} for r, link in zip(rows, links, strict=True)])


def _opportunities(scope: Scope):
    opportunities = visible(scope.user)
    return opportunities if scope.owners is None else opportunities.filter(owner__in=scope.owners)


def stalled_panel(scope: Scope) -> dict:
    pipeline = scope.pipeline
    count = stalled_queryset(_opportunities(scope), pipeline).count() if pipeline else 0
    return panel("stalled", _("Stalled deals"), url=reverse("analytics:stalled"), unfiltered=_not_filtered(scope),
                 figures=[figure(_("Stalled deals"), count, "count", reverse("analytics:stalled"))])


def forecast_panel(scope: Scope) -> dict:
    """This period's forecast (won + weighted open deals closing in it) against the target for won amount, or for
    signed amount when there is no won-amount plan."""
    result = forecast(_opportunities(scope), scope.period)
    target = None
    for measure in ("won_amount", TARGET_MEASURE):
        period = _target_period(scope)
        node = f"team:{scope.team.pk}" if scope.team is not None else None
        try:
            tree = completion_tree(scope.user, measure, period, node=node, today=scope.today, only_top=True,
                                   tree=scope.tree)
        except PermissionDenied:  # no node this viewer may see: no target
            break
        if tree.plan is not None:
            target = (measure, tree.rows[0].target)
            break
    url = reverse("analytics:forecast") + "?" + urlencode({"period": scope.period.label})
    figures = [figure(_("Won"), result["closed_won"], url=url), figure(_("Commit"), result["commit"], url=url),
               figure(_("Forecast (weighted)"), result["weighted"], url=url)]
    chart_x = [_("Won"), _("Forecast (weighted)")]
    chart_y = [_num(result["closed_won"]), _num(result["weighted"])]
    if target is not None:
        figures.append(figure(_("Target"), target[1]))
        chart_x.append(_("Target"))
        chart_y.append(_num(target[1]))
    chart = {"type": "bar", "x": chart_x, "series": [{"name": scope.period.label, "y": chart_y}], "unit": "amount"}
    return panel("forecast", _("Forecast vs target"), figures=figures, chart=chart, url=url,
                 unfiltered=_not_filtered(scope),
                 note="" if target else _("No approved target for %(period)s yet.") % {"period": scope.period.label})


def conversion_panel(scope: Scope) -> dict:
    pipeline = scope.pipeline
    if pipeline is None:
        return panel("conversion", _("Conversion by stage"), note=_("No pipeline yet."))
    rows = win_rates(_opportunities(scope), pipeline)
    chart = {"type": "bar", "x": [r["stage"] for r in rows], "series": [
        {"name": _("To next stage %"), "y": [_num(r["to_next_percent"]) for r in rows]},
        {"name": _("Win rate %"), "y": [_num(r["raw_win_percent"]) for r in rows]}], "unit": "percent"}
    return panel("conversion", _("Conversion by stage"), chart=chart, url=reverse("analytics:win_rates"),
                 unfiltered=_not_filtered(scope),
                 items=[{"label": r["stage"], "value": r["to_next_percent"], "unit": "percent",
                         "count": r["reached"]} for r in rows])


# --- activity, people -----------------------------------------------------------------------------------------

def today_panel(scope: Scope) -> dict:
    plans, earlier = todays_plans(scope.user, scope.today)
    tasks = tasks_due(scope.user, scope.today)
    items = [{"label": f"{p.planned_time.strftime('%H:%M') if p.planned_time else ''} {p.customer}".strip(),
              "url": p.get_absolute_url(), "kind": _("Visit")} for p in plans]
    items += [{"label": str(t), "url": reverse("activities:task-list") + "?tab=today", "kind": _("Task")}
              for t in tasks[:TODAY_ITEMS]]
    return panel("today", _("Today"), items=items, url=reverse("activities:today"), figures=[
        figure(_("Visits today"), len(plans), "count", reverse("activities:today")),
        figure(_("Tasks due"), len(tasks), "count", reverse("activities:task-list") + "?tab=today"),
        figure(_("Earlier visits still open"), len(earlier), "count", reverse("activities:today"))])


def activity_panel(scope: Scope) -> dict:
    last = min(scope.period.end, scope.today)
    rows = activity_stats(scope.user, start=scope.period.start, end=max(last, scope.period.start), by="owner",
                          owner_ids=scope.owners) if scope.period.start <= scope.today else []
    rows = [r for r in rows if r.get("followups_total") or r.get("visits_done")]
    url = reverse("activities:stats") + "?" + urlencode({"period": scope.period.label})
    chart = {"type": "bar", "x": [r["label"] for r in rows], "series": [
        {"name": _("Visits"), "y": [r.get("visits_done", 0) for r in rows]},
        {"name": _("Follow-ups"), "y": [r.get("followups_total", 0) for r in rows]}], "unit": "count"} if rows else None
    return panel("activity", _("Activity volume"), chart=chart, url=url, unfiltered=_not_filtered(scope),
                 note="" if rows else _("No activity recorded in %(period)s.") % {"period": scope.period.label},
                 figures=[figure(_("Visits"), sum(r.get("visits_done", 0) for r in rows), "count", url),
                          figure(_("Follow-ups"), sum(r.get("followups_total", 0) for r in rows), "count", url)])


def leaderboard_panel(scope: Scope) -> dict:
    kpi = Kpi.objects.filter(key=TARGET_MEASURE, active=True).first()
    period = _target_period(scope)
    url = reverse("performance:kpi-leaderboard") + "?" + urlencode({"period": period.label})
    if kpi is None:
        return panel("leaderboard", _("Leaderboard"), url=url, note=_("No KPI for signed amount yet."))
    board_scope = f"team:{scope.user.team_id}" if access.effective_scope(scope.user) == "team" and \
        scope.user.team_id else "company"
    board = kpis.leaderboard(kpi, period, board_scope, viewer=scope.user)
    top = [r for r in board["rows"] if r["rank"] is not None][:LEADERBOARD_SIZE]
    chart = {"type": "hbar", "x": [r["name"] for r in top], "series": [
        {"name": str(kpi), "y": [_num(r["value"]) for r in top]}], "unit": "amount"} if top else None
    return panel("leaderboard", _("Leaderboard") + " · " + str(kpi), chart=chart, url=url,
                 unfiltered=_not_filtered(scope),
                 items=[{"label": f"{r['rank']}. {r['name']}", "value": r["value"], "unit": "amount",
                         "change": r["change"], "me": r["me"]} for r in top],
                 note="" if top else _("No data yet."))


def alerts_panel(scope: Scope) -> dict:
    open_alerts = Alert.objects.for_user(scope.user).open()
    counts = {row["level"]: row["n"] for row in open_alerts.order_by().values("level").annotate(n=Count("pk"))}
    url = reverse("insights:alerts")
    latest = list(open_alerts.order_by("-level_since")[:5])
    return panel("alerts", _("Open alerts"), url=url, figures=[
        figure(_("Red"), counts.get("red", 0), "count", url + "?level=red"),
        figure(_("Yellow"), counts.get("yellow", 0), "count", url + "?level=yellow")],
        items=[{"label": f"{a.subject} · {a.message}", "url": a.url or url, "colour": a.level} for a in latest])


# --- money ----------------------------------------------------------------------------------------------------

def ageing_panel(scope: Scope) -> dict:
    totals = ageing(scope.user)["totals"] if not scope.team else ageing_for_team(scope)
    url = reverse("contracts:receivables")
    buckets = [(key, str(label)) for key, label in AGEING_COLUMNS if key in BUCKETS]
    chart = {"type": "bar", "x": [label for _k, label in buckets], "series": [
        {"name": _("Outstanding"), "y": [_num(totals[k]) for k, _l in buckets]}], "unit": "amount"}
    return panel("ageing", _("Receivables ageing"), chart=chart, url=url, unfiltered=_not_filtered(scope),
                 figures=[figure(_("Outstanding"), totals.get("total"), url=url),
                          figure(_("Overdue"), totals.get("overdue"), url=url)])


def ageing_for_team(scope: Scope) -> dict:
    """The team's buckets: ageing grouped by team, the chosen subtree's rows added up."""
    subtree = set(scope.team.subtree().values_list("pk", flat=True))
    result: dict = {}
    for row in ageing(scope.user, group_by="team")["rows"]:
        if row["key"] in subtree:
            for name, value in row.items():
                if name not in ("key", "label"):
                    result[name] = result.get(name, Decimal(0)) + value
    return result


def _year_trend(scope: Scope, key: str, title: str) -> dict:
    """A figure month by month through the period's year, against the year before; each month clicks through."""
    drill = drills.get(key)
    year = scope.period.start.year
    this = drills.by_month(drill, drills.rows(drill, scope, datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    last = drills.by_month(drill, drills.rows(drill, scope, datetime.date(year - 1, 1, 1),
                                              datetime.date(year - 1, 12, 31)))
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    links = [records_url(scope, key, first=_month_bounds(m)[0], last=_month_bounds(m)[1]) for m in months]
    # A month that has not begun has no figure yet (a gap in the line), not a zero.
    chart = {"type": "line", "x": [m.strftime("%m") for m in months], "series": [
        {"name": str(year), "y": [_num(this.get(m, 0)) if m <= scope.today else None for m in months],
         "links": links},
        {"name": str(year - 1), "y": [_num(last.get(m.replace(year=year - 1), 0)) for m in months],
         "links": [records_url(scope, key, first=_month_bounds(m.replace(year=year - 1))[0],
                               last=_month_bounds(m.replace(year=year - 1))[1]) for m in months]}], "unit": "amount"}
    return panel(f"trend-{key}", title, chart=chart, unfiltered=_not_filtered(scope, drill),
                 figures=[figure(str(year), sum(this.values(), Decimal(0)),
                                 url=records_url(scope, key, first=datetime.date(year, 1, 1),
                                                 last=datetime.date(year, 12, 31))),
                          figure(str(year - 1), sum(last.values(), Decimal(0)),
                                 url=records_url(scope, key, first=datetime.date(year - 1, 1, 1),
                                                 last=datetime.date(year - 1, 12, 31)))])


def period_figure(scope: Scope, key: str, label) -> dict:
    drill = drills.get(key)
    result = drills.total(drill, drills.rows(drill, scope))
    return figure(label, result["value"], url=records_url(scope, key), count=result["count"])


def _side_by_side(scope: Scope, model, path_of, key: str, title: str, narrow: str) -> dict:
    """The period's figure per division (top-level team) or region, against the same period a year before."""
    drill = drills.get(key)
    before = kpis.same_period_last_year(scope.period)
    path = path_of(drill)
    now = drills.by_division(drill, drills.rows(drill, scope), model, path)
    earlier = drills.by_division(drill, drills.rows(drill, scope, before.start, before.end), model, path)
    then = {r["node"].pk: r for r in earlier}
    links = [records_url(scope, key, **{narrow: r["node"].pk}) for r in now]
    chart = {"type": "bar", "x": [r["node"].name for r in now], "series": [
        {"name": scope.period.label, "y": [_num(r["value"]) for r in now], "links": links},
        {"name": _("A year before"), "y": [_num(then[r["node"].pk]["value"]) for r in now]}], "unit": "amount"}
    return panel(narrow.replace("_", "-"), title, chart=chart, unfiltered=_not_filtered(scope, drill),
                 items=[{"label": r["node"].name, "value": r["value"], "unit": "amount", "count": r["count"],
                         "url": link} for r, link in zip(now, links, strict=True)])


def product_mix(scope: Scope) -> dict:
    drill = drills.get("product_lines")
    grouped = drills.by_field(drill, drills.rows(drill, scope), "product__series")
    ordered = sorted(grouped.items(), key=lambda kv: -kv[1]["value"])
    links = [records_url(scope, "product_lines", by_series=series or "") for series, _v in ordered]
    labels = [series or _("(no series)") for series, _v in ordered]
    chart = {"type": "pie", "x": labels, "series": [{"name": _("Signed"), "y": [_num(v["value"]) for _s, v in ordered],
                                                     "links": links}], "unit": "amount"} if ordered else None
    return panel("product-mix", _("Product mix"), chart=chart, unfiltered=_not_filtered(scope, drill),
                 note="" if ordered else _("No data yet."),
                 items=[{"label": label, "value": v["value"], "unit": "amount", "count": v["count"],
                         "url": link if series else ""}
                        for label, (series, v), link in zip(labels, ordered, links, strict=True)])


def division_forecast(scope: Scope) -> dict:
    """Forecast against target per division (top-level team)."""
    period = _target_period(scope)
    rows = []
    for team in drills.divisions(Team):
        people = set(scope.tree.people(f"team:{team.pk}"))
        if scope.owners is not None:
            people &= set(scope.owners)
        if not people:
            continue
        result = forecast(_opportunities(scope).filter(owner__in=people), scope.period)
        tree = completion_tree(scope.user, TARGET_MEASURE, period, node=f"team:{team.pk}", today=scope.today,
                               only_top=True, tree=scope.tree)
        rows.append((team, result["weighted"], tree.rows[0].target if tree.plan else None))
    chart = {"type": "bar", "x": [t.name for t, _f, _t in rows], "series": [
        {"name": _("Forecast (weighted)"), "y": [_num(f) for _t, f, _g in rows]},
        {"name": _("Target"), "y": [_num(g) for _t, _f, g in rows]}], "unit": "amount"} if rows else None
    return panel("division-forecast", _("Forecast vs target by division"), chart=chart,
                 url=reverse("analytics:forecast"), unfiltered=_not_filtered(scope),
                 items=[{"label": t.name, "value": f, "unit": "amount", "target": g} for t, f, g in rows])


def collections_vs_plan(scope: Scope) -> dict:
    """Collected against the payment plan (instalments due), month by month through the period."""
    collected, due = drills.get("collected"), drills.get("due")
    got = drills.by_month(collected, drills.rows(collected, scope))
    planned = drills.by_month(due, drills.rows(due, scope))
    months = _months(scope.period)
    chart = {"type": "bar", "x": [m.strftime("%Y-%m") for m in months], "series": [
        {"name": _("Due (plan)"), "y": [_num(planned.get(m, 0)) for m in months],
         "links": [records_url(scope, "due", first=max(_month_bounds(m)[0], scope.period.start),
                               last=min(_month_bounds(m)[1], scope.period.end)) for m in months]},
        {"name": _("Collected"), "y": [_num(got.get(m, 0)) for m in months],
         "links": [records_url(scope, "collected", first=max(_month_bounds(m)[0], scope.period.start),
                               last=min(_month_bounds(m)[1], scope.period.end)) for m in months]}],
        "unit": "amount"}
    return panel("collections", _("Collections vs plan"), chart=chart, unfiltered=_not_filtered(scope, collected),
                 figures=[period_figure(scope, "due", _("Due (plan)")),
                          period_figure(scope, "collected", _("Collected"))])


def _months(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = _month_bounds(month)[1] + datetime.timedelta(days=1)
    return months


def invoices_panel(scope: Scope) -> dict:
    return panel("invoices", _("Invoices"), url=reverse("contracts:invoice-list"),
                 unfiltered=_not_filtered(scope, drills.get("invoiced")),
                 figures=[period_figure(scope, "invoiced", _("Invoices issued")),
                          period_figure(scope, "collected", _("Collected")),
                          period_figure(scope, "signed", _("Signed amount"))])


def _num(value):
    return None if value is None else float(value)


# --- the dashboards -------------------------------------------------------------------------------------------

def dashboard_role(user) -> str:
    """Which dashboard a user gets: admin and director the director's, finance its own, a manager (or anyone with
    team scope) the manager's, everyone else the rep's."""
    if user.role in (Role.ADMIN, Role.DIRECTOR) or user.is_superuser:
        return "director"
    if user.role == Role.FINANCE:
        return "finance"
    if user.role == Role.MANAGER or access.effective_scope(user) == "team":
        return "manager"
    return "rep"


def dashboard(scope: Scope) -> dict:
    role = dashboard_role(scope.user)
    builders = {
        "rep": lambda: [my_target(scope), period_panel(scope), funnel_panel(scope, own=True), today_panel(scope),
                        stalled_panel(scope), receivables_panel(scope),
                        _year_trend(scope, "signed", _("Signed, this year against last, month by month"))],
        "manager": lambda: [team_targets(scope), period_panel(scope), funnel_panel(scope, own=False),
                            forecast_panel(scope), conversion_panel(scope), activity_panel(scope),
                            leaderboard_panel(scope), ageing_panel(scope), alerts_panel(scope)],
        "director": lambda: [period_panel(scope),
                             _side_by_side(scope, Team, lambda d: f"{d.owner}__team", "signed",
                                           _("Signed by division"), "by_team"),
                             _side_by_side(scope, Region, lambda d: d.region, "signed", _("Signed by region"),
                                           "by_region"),
                             _year_trend(scope, "signed", _("Signed, this year against last, month by month")),
                             product_mix(scope), division_forecast(scope), alerts_panel(scope)],
        "finance": lambda: [collections_vs_plan(scope), invoices_panel(scope), ageing_panel(scope),
                            _year_trend(scope, "collected", _("Collected, this year against last, month by month"))],
    }
    return {"role": role, "scope": scope.as_dict(), "panels": builders[role]()}


def period_panel(scope: Scope) -> dict:
    return panel("period", _("This period"), unfiltered=_not_filtered(scope, drills.get("signed")), figures=[
        period_figure(scope, "signed", _("Signed amount")), period_figure(scope, "won", _("Won amount")),
        period_figure(scope, "collected", _("Collected amount"))])


def receivables_panel(scope: Scope) -> dict:
    totals = ageing(scope.user)["totals"]
    url = reverse("contracts:receivables")
    return panel("receivables", _("Receivables"), url=url, figures=[
        figure(_("Overdue"), totals.get("overdue"), url=url), figure(_("Outstanding"), totals.get("total"), url=url)])
