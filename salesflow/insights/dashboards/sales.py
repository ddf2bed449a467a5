"""Dashboard panels of targets, the pipeline and the people: each reads its figures from the module that owns them
(performance.targets.completion, pipeline.analytics, activities, performance.kpis, the alerts)."""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.visits.selectors import tasks_due, todays_plans
from salesflow.core.periods import Period, period_of
from salesflow.org import access
from salesflow.org.models import Team
from salesflow.performance.kpis import selectors as kpis
from salesflow.performance.models import Kpi
from salesflow.performance.targets import selectors as targets
from salesflow.performance.targets.completion import completion_tree, own_completion
from salesflow.pipeline.analytics.filters import visible
from salesflow.pipeline.analytics.forecast import forecast, forecast_by, won_rolled_up
from salesflow.pipeline.analytics.funnel import funnel_rollup
from salesflow.pipeline.analytics.stalled import stalled_queryset
from salesflow.pipeline.analytics.winrates import rates_of, reach_rollup
from salesflow.pipeline.models import Opportunity

from ..models import Alert
from . import drills
from .panel import figure, not_filtered, num, panel
from .scope import Scope

TARGET_MEASURE = "signed_amount"
LEADERBOARD_SIZE = 10
TODAY_ITEMS = 8  # tasks listed on the panel; the figure and its link count them all


# --- targets --------------------------------------------------------------------------------------------------

def target_period(scope: Scope) -> Period:
    """Targets exist per year, quarter and month: a week shows its month's target."""
    return period_of("month", scope.period.start) if scope.period.kind == "week" else scope.period


def my_target(scope: Scope) -> dict:
    period = target_period(scope)
    row = own_completion(scope.user, TARGET_MEASURE, period, today=scope.today)
    url = reverse("performance:target-completion") + "?" + urlencode({"period": period.label})
    if row is None:
        return panel("target", _("Target completion"), url=url, note=_("No approved target for %(period)s yet.")
                     % {"period": period.label}, figures=[figure(_("Target"), None)], unfiltered=not_filtered(scope))
    chart = {"type": "gauge", "value": num(row.completion_pct), "reference": num(row.elapsed_pct),
             "colour": row.colour}
    return panel("target", _("Target completion"), url=url, chart=chart, unfiltered=not_filtered(scope), figures=[
        figure(_("Target"), row.target, url=url), figure(_("Actual"), row.actual, url=url),
        figure(_("Completion"), row.completion_pct, "percent", url), figure(_("Time elapsed"), row.elapsed_pct,
                                                                           "percent"),
        figure(_("Gap to go"), row.gap), figure(_("Needed per day"), row.per_day)])


def team_targets(scope: Scope) -> dict:
    """Each child of the viewer's node (a manager's reps and sub-teams): target against actual."""
    period = target_period(scope)
    node = f"team:{scope.team.pk}" if scope.team is not None else None
    tree = completion_tree(scope.user, TARGET_MEASURE, period, node=node, today=scope.today, tree=scope.tree)
    url = reverse("performance:target-completion") + "?" + urlencode({"period": period.label})
    top, children = tree.rows[0], [r for r in tree.rows if r.depth == 1]
    if tree.plan is None:
        return panel("team-targets", _("Team target progress"), url=url, unfiltered=not_filtered(scope),
                     note=_("No approved target for %(period)s yet.") % {"period": period.label},
                     figures=[figure(_("Target"), None)])
    chart = {"type": "bar", "x": [r.label for r in children], "series": [
        {"name": _("Target"), "y": [num(r.target) for r in children]},
        {"name": _("Actual"), "y": [num(r.actual or 0) for r in children],
         "colours": [r.colour for r in children]}], "unit": "amount"}
    return panel("team-targets", _("Team target progress"), url=url, chart=chart, unfiltered=not_filtered(scope),
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
        {"name": _("Amount"), "y": [num(r["amount"]) for r in rows], "links": links,
         "text": [str(r["count"]) for r in rows]}], "unit": "amount"} if any(r["count"] for r in rows) else None
    return panel("funnel", _("Funnel") + " · " + str(pipeline), chart=chart, unfiltered=not_filtered(scope),
                 url=reverse("analytics:funnel"),
                 figures=[figure(_("Open deals"), sum(r["count"] for r in rows), "count"),
                          figure(_("Open amount"), sum((Decimal(r["amount"]) for r in rows), Decimal(0)))],
                 items=[{"label": f"{r['order']}. {r['stage']}", "value": r["amount"], "unit": "amount",
                         "count": r["count"], "url": link} for r, link in zip(rows, links, strict=True)])


def opportunities_of(scope: Scope):
    opportunities = visible(scope.user)
    return opportunities if scope.owners is None else opportunities.filter(owner__in=scope.owners)


def won_of(scope: Scope):
    """The won part of the forecast of :func:`opportunities_of` from the month roll-up, when it can answer."""
    return won_rolled_up(scope.user, scope.period, scope.owners)


def stalled_panel(scope: Scope) -> dict:
    pipeline = scope.pipeline
    count = stalled_queryset(opportunities_of(scope), pipeline).count() if pipeline else 0
    return panel("stalled", _("Stalled deals"), url=reverse("analytics:stalled"), unfiltered=not_filtered(scope),
                 figures=[figure(_("Stalled deals"), count, "count", reverse("analytics:stalled"))])


def forecast_panel(scope: Scope) -> dict:
    """This period's forecast (won + weighted open deals closing in it) against the target for won amount, or for
    signed amount when there is no won-amount plan."""
    result = forecast(opportunities_of(scope), scope.period, won=won_of(scope))
    target = None
    for measure in ("won_amount", TARGET_MEASURE):
        period = target_period(scope)
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
    chart_y = [num(result["closed_won"]), num(result["weighted"])]
    if target is not None:
        figures.append(figure(_("Target"), target[1]))
        chart_x.append(_("Target"))
        chart_y.append(num(target[1]))
    chart = {"type": "bar", "x": chart_x, "series": [{"name": scope.period.label, "y": chart_y}], "unit": "amount"}
    return panel("forecast", _("Forecast vs target"), figures=figures, chart=chart, url=url,
                 unfiltered=not_filtered(scope),
                 note="" if target else _("No approved target for %(period)s yet.") % {"period": scope.period.label})


def conversion_panel(scope: Scope) -> dict:
    pipeline = scope.pipeline
    if pipeline is None:
        return panel("conversion", _("Conversion by stage"), note=_("No pipeline yet."))
    rows = rates_of(reach_rollup(scope.user, pipeline, owners=scope.owners), pipeline)
    chart = {"type": "bar", "x": [r["stage"] for r in rows], "series": [
        {"name": _("To next stage %"), "y": [num(r["to_next_percent"]) for r in rows]},
        {"name": _("Win rate %"), "y": [num(r["raw_win_percent"]) for r in rows]}], "unit": "percent"}
    return panel("conversion", _("Conversion by stage"), chart=chart, url=reverse("analytics:win_rates"),
                 unfiltered=not_filtered(scope),
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
                          owner_ids=scope.owners, volume_only=True) if scope.period.start <= scope.today else []
    rows = [r for r in rows if r.get("followups_total") or r.get("visits_done")]
    url = reverse("activities:stats") + "?" + urlencode({"period": scope.period.label})
    chart = {"type": "bar", "x": [r["label"] for r in rows], "series": [
        {"name": _("Visits"), "y": [r.get("visits_done", 0) for r in rows]},
        {"name": _("Follow-ups"), "y": [r.get("followups_total", 0) for r in rows]}], "unit": "count"} if rows else None
    return panel("activity", _("Activity volume"), chart=chart, url=url, unfiltered=not_filtered(scope),
                 note="" if rows else _("No activity recorded in %(period)s.") % {"period": scope.period.label},
                 figures=[figure(_("Visits"), sum(r.get("visits_done", 0) for r in rows), "count", url),
                          figure(_("Follow-ups"), sum(r.get("followups_total", 0) for r in rows), "count", url)])


def leaderboard_panel(scope: Scope) -> dict:
    kpi = Kpi.objects.filter(key=TARGET_MEASURE, active=True).first()
    period = target_period(scope)
    url = reverse("performance:kpi-leaderboard") + "?" + urlencode({"period": period.label})
    if kpi is None:
        return panel("leaderboard", _("Leaderboard"), url=url, note=_("No KPI for signed amount yet."))
    board_scope = f"team:{scope.user.team_id}" if access.effective_scope(scope.user) == "team" and \
        scope.user.team_id else "company"
    board = kpis.leaderboard(kpi, period, board_scope, viewer=scope.user)
    top = [r for r in board["rows"] if r["rank"] is not None][:LEADERBOARD_SIZE]
    chart = {"type": "hbar", "x": [r["name"] for r in top], "series": [
        {"name": str(kpi), "y": [num(r["value"]) for r in top]}], "unit": "amount"} if top else None
    return panel("leaderboard", _("Leaderboard") + " · " + str(kpi), chart=chart, url=url,
                 unfiltered=not_filtered(scope),
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


def division_forecast(scope: Scope) -> dict:
    """Forecast against target per division (top-level team): one forecast grouped by each owner's division."""
    divisions = drills.divisions(Team)
    division_of = {}
    for team in divisions:
        for person in scope.tree.people(f"team:{team.pk}"):
            if scope.owners is None or person in scope.owners:
                division_of.setdefault(person, team.pk)
    forecasts = forecast_by(opportunities_of(scope), scope.period, lambda row: division_of.get(row["owner_id"]),
                            won=won_of(scope))
    goals = targets.team_targets(TARGET_MEASURE, target_period(scope), [t.pk for t in divisions])
    rows = [(team, forecasts.get(team.pk, {}).get("weighted", Decimal(0)), goals.get(team.pk))
            for team in divisions if team.pk in division_of.values()]
    chart = {"type": "bar", "x": [t.name for t, _f, _t in rows], "series": [
        {"name": _("Forecast (weighted)"), "y": [num(f) for _t, f, _g in rows]},
        {"name": _("Target"), "y": [num(g) for _t, _f, g in rows]}], "unit": "amount"} \
        if any(f or g for _t, f, g in rows) else None  # nothing forecast and no target: no empty axes
    return panel("division-forecast", _("Forecast vs target by division"), chart=chart,
                 url=reverse("analytics:forecast"), unfiltered=not_filtered(scope),
                 items=[{"label": t.name, "value": f, "unit": "amount", "target": g} for t, f, g in rows])
