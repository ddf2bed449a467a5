"""The figures of a sales report, assembled from the modules that define them (one door per figure):

* results vs target — ``performance.targets.completion.completion_tree`` (node = the company or the team);
* headline figures now vs the previous period — ``performance.figures.total``;
* funnel (now) — ``pipeline.analytics.funnel.funnel_rollup``; stage conversion of the deals closed in the period
  vs the previous one — ``pipeline.analytics.winrates.win_rates``;
* forecast for the next period — ``pipeline.analytics.forecast.forecast``;
* top deals won and lost — ``performance.figures.records`` ("won_amount", "lost_count") with their reasons;
* activity — ``activities.stats.selectors.activity_stats`` per rep;
* collections and receivables — ``contracts.receivables.selectors.collection_stats`` / ``ageing``;
* alerts raised in the period — ``insights.Alert``.

Who may have a report: the system (``user=None``), director / admin / finance any scope (finance reads the
company's money; a report is one document for everyone allowed its scope), a manager his own team's subtree only;
a rep none. Once allowed, the figures cover the whole scope (the stored document is the same whoever opens it).
Every aggregate is a grouped query; no Python loop over the deals or agreements.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.stats.selectors import totals as activity_totals
from salesflow.contracts.receivables.selectors import BUCKETS, ageing, collection_stats
from salesflow.core.money import to_money
from salesflow.core.periods import Period, aware_bounds, parse_period, period_of
from salesflow.core.validators import BUSINESS_DATE_MAX, BUSINESS_DATE_MIN
from salesflow.org import access
from salesflow.org.models import Role, Team
from salesflow.performance import figures
from salesflow.performance.targets.completion import completion_tree
from salesflow.performance.targets.tree import COMPANY, OrgTree
from salesflow.pipeline.analytics.forecast import forecast
from salesflow.pipeline.analytics.funnel import funnel_rollup
from salesflow.pipeline.analytics.stalled import stalled_queryset
from salesflow.pipeline.analytics.winrates import win_rates
from salesflow.pipeline.models import Opportunity, Pipeline

KINDS = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
PERIOD_KINDS = {**KINDS, "yearly": "year"}  # a year: the review document's figures only (no yearly report file)
TARGET_MEASURES = ("signed_amount", "collected_amount", "won_amount")
HEADLINE = ("signed_amount", "collected_amount", "won_amount", "won_count", "lost_count", "new_customers",
            "visits", "followups")
TOP = 10
ZERO = Decimal("0.00")


def period_for(kind: str, period: str | Period | None = None, *, today: datetime.date | None = None) -> Period:
    """The report's period: ``period`` (a label of the kind's length), else the last whole one before today."""
    if kind not in PERIOD_KINDS:
        raise ValueError(_("Unknown report kind “%(kind)s” (use weekly, monthly or quarterly).") % {"kind": kind})
    if isinstance(period, Period):
        found = period
    elif period:
        found = parse_period(period)
    else:
        today = today or timezone.localdate()
        found = period_of(PERIOD_KINDS[kind], period_of(PERIOD_KINDS[kind], today).start - datetime.timedelta(days=1))
    if not (BUSINESS_DATE_MIN <= found.start and found.end <= BUSINESS_DATE_MAX):
        raise ValueError(_("“%(period)s” is outside the years 2000 to 2100.") % {"period": found.label})
    if found.kind != PERIOD_KINDS[kind]:
        raise ValueError(_("Period “%(period)s” is not a %(kind)s period.") % {"period": found.label, "kind": kind})
    return found


def previous(period: Period) -> Period:
    return period_of(period.kind, period.start - datetime.timedelta(days=1))


def following(period: Period) -> Period:
    return period_of(period.kind, period.end + datetime.timedelta(days=1))


def may_report_on(user, team: Team | None) -> bool:
    """The one rule of who may have (and see) a report of a scope: see the module's docstring."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if access.effective_scope(user) == "all" or access.is_finance(user):
        return True
    if user.role == Role.MANAGER and access.effective_scope(user) == "team" and team is not None:
        return team.pk in access.team_subtree_ids(user)
    return False


def may_report_on_company(user) -> bool:
    return may_report_on(user, None)


def report_teams(user):
    """The teams ``user`` may have reports of (the pickers list these)."""
    if may_report_on_company(user):
        return Team.objects.order_by("path")
    if may_report_on(user, user.team) if user.team_id else False:
        return Team.objects.filter(pk__in=access.team_subtree_ids(user)).order_by("path")
    return Team.objects.none()


def require_report_scope(user, team: Team | None) -> None:
    if not may_report_on(user, team):
        raise PermissionDenied(_("You may not have the reports of this scope."))


def _percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _money(value):
    return None if value is None else to_money(value)


def _value(value, unit):
    """A figure as the report shows it: amounts in yuan to the cent, counts as whole numbers."""
    return to_money(value) if unit == figures.AMOUNT else int(value)


def _change(now, before) -> Decimal | None:
    return None if not before else _percent(Decimal(now) - Decimal(before), before)


def _deal(opportunity, reason: str) -> dict:
    return {"id": opportunity.pk, "subject": opportunity.subject, "customer": opportunity.customer.name,
            "owner": str(opportunity.owner), "amount": opportunity.amount,
            "closed_on": timezone.localtime(opportunity.closed_at).date() if opportunity.closed_at else None,
            "reason": reason}


def report_data(kind: str, period: str | Period | None = None, team: Team | None = None, *, user) -> dict:
    """Every section of the report of ``kind`` (weekly|monthly|quarterly) for ``period`` and ``team`` (None: the
    company; a team: its subtree). Raises PermissionDenied when ``user`` may not have this scope."""
    require_report_scope(user, team)
    period = period_for(kind, period)
    before, after = previous(period), following(period)
    tree = OrgTree.load()
    node = COMPANY if team is None else f"team:{team.pk}"
    people = None if team is None else tree.people(node)
    team_ids = None if team is None else list(team.subtree().values_list("pk", flat=True))
    opportunities = Opportunity.objects.all()
    if team_ids is not None:
        opportunities = opportunities.filter(team_id__in=team_ids)

    results = []
    for measure in TARGET_MEASURES:
        row = completion_tree(None, measure, period, node=node, tree=tree, only_top=True).rows[0]
        results.append({"measure": measure, "label": str(figures.get(measure).label), "target": _money(row.target),
                        "actual": _money(row.actual), "completion_pct": row.completion_pct, "colour": row.colour})

    headline = []
    for key in HEADLINE:
        unit = figures.get(key).unit
        now = _value(figures.total(key, period.start, period.end, people), unit)
        was = _value(figures.total(key, before.start, before.end, people), unit)
        headline.append({"key": key, "label": str(figures.get(key).label), "unit": unit,
                         "value": now, "previous": was, "change_pct": _change(now, was)})
    values = {row["key"]: row for row in headline}
    won, lost = values["won_count"], values["lost_count"]
    win_rate = {"value": _percent(won["value"], won["value"] + lost["value"]),
                "previous": _percent(won["previous"], won["previous"] + lost["previous"])}

    pipeline = Pipeline.default()
    funnel_rows, conversion = [], []
    if pipeline is not None:
        funnel_rows = funnel_rollup(None, pipeline, team=team)
        now_bounds, before_bounds = aware_bounds(period.start, period.end), aware_bounds(before.start, before.end)
        closed_now = opportunities.filter(closed_at__gte=now_bounds[0], closed_at__lt=now_bounds[1])
        closed_before = opportunities.filter(closed_at__gte=before_bounds[0], closed_at__lt=before_bounds[1])
        was = {r["stage_id"]: r for r in win_rates(closed_before, pipeline)}
        for row in win_rates(closed_now, pipeline):
            conversion.append({"stage": row["stage"], "reached": row["reached"],
                               "to_next_percent": row["to_next_percent"], "to_won_percent": row["to_won_percent"],
                               "previous_reached": was[row["stage_id"]]["reached"],
                               "previous_to_next_percent": was[row["stage_id"]]["to_next_percent"],
                               "previous_to_won_percent": was[row["stage_id"]]["to_won_percent"]})

    coming = forecast(opportunities, after)

    won_rows = (figures.records("won_amount", period.start, period.end, people)
                .select_related("customer", "owner", "win_reason").order_by("-amount", "pk")[:TOP])
    lost_rows = (figures.records("lost_count", period.start, period.end, people)
                 .select_related("customer", "owner", "loss_reason").order_by("-amount", "pk")[:TOP])
    no_reason = _("No reason given")
    lost_reasons = [{"reason": r["loss_reason__name"] or no_reason, "count": r["n"]} for r in
                    figures.records("lost_count", period.start, period.end, people)
                    .values("loss_reason__name").annotate(n=Count("pk")).order_by("-n", "loss_reason__name")]

    activity = activity_stats(None, start=period.start, end=period.end, by="owner", owner_ids=people)
    activity_total = activity_totals(activity)

    collections = collection_stats(None, period, by="team")
    aged = ageing(None, group_by="team")
    if team_ids is None:
        collection_totals, ageing_totals = collections["totals"], aged["totals"]
    else:
        collection_rows = [r for r in collections["rows"] if r["key"] in team_ids]
        collection_totals = {m: sum((r[m] for r in collection_rows), ZERO) for m in ("signed", "collected",
                                                                                   "invoiced")}
        collection_totals["rate"] = _percent(collection_totals["collected"], collection_totals["signed"])
        ageing_rows = [r for r in aged["rows"] if r["key"] in team_ids]
        ageing_totals = {b: sum((r[b] for r in ageing_rows), ZERO) for b in (*BUCKETS, "total", "overdue")}

    from salesflow.insights.models import Alert

    start, end = aware_bounds(period.start, period.end)
    alerts = Alert.objects.filter(raised_at__gte=start, raised_at__lt=end)
    if team_ids is not None:
        alerts = alerts.filter(Q(team_id__in=team_ids) | Q(owner_id__in=people))
    alert_counts = {r["level"]: r["n"] for r in alerts.values("level").annotate(n=Count("pk")).order_by()}
    alert_list = [{"level": a.level, "subject": a.subject, "message": a.message, "rule": str(a.rule),
                   "raised_at": timezone.localtime(a.raised_at), "status": a.status}
                  for a in alerts.select_related("rule").order_by("-raised_at", "-pk")[:20]]

    stalled = 0 if pipeline is None else stalled_queryset(opportunities, pipeline).count()
    return {
        "kind": kind, "period": period.label, "period_start": period.start, "period_end": period.end,
        "previous_period": before.label, "next_period": after.label,
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "scope": _("Company") if team is None else team.name,
        "results": results, "headline": headline, "win_rate": win_rate,
        "funnel": funnel_rows, "conversion": conversion,
        "forecast": {"period": after.label, **{k: v for k, v in coming.items() if k != "group"}},
        "top_won": [_deal(o, o.win_reason.name if o.win_reason_id else "") for o in won_rows],
        "top_lost": [_deal(o, o.loss_reason.name if o.loss_reason_id else no_reason) for o in lost_rows],
        "lost_reasons": lost_reasons,
        "activity": [{"owner": r["label"], "team": r["team"], "visits": r["visits_done"],
                      "followups": r["followups_total"], "customers": r["customers_touched"]} for r in activity],
        "activity_total": {"visits": activity_total["visits_done"], "followups": activity_total["followups_total"],
                           "customers": activity_total["customers_touched"]},
        "collections": collection_totals,
        "ageing": {"as_of": aged["as_of"], **ageing_totals},
        "alerts": {"red": alert_counts.get("red", 0), "yellow": alert_counts.get("yellow", 0),
                   "green": alert_counts.get("green", 0), "items": alert_list},
        "stalled": stalled,
    }
