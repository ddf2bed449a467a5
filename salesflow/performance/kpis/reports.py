"""``salesflow report scorecard|leaderboard --json [--user U] [--period P] [--kpi K] [--scope S]``: the same data as the
pages and the API (with --user, that user's permissions apply: a rep gets only their own scorecard)."""

from salesflow.core.registry import reports

from . import payloads


@reports.register("scorecard", "scorecards (value, target, score, weighted total) one may see, for a period")
def scorecard_report(*, user=None, period=None):
    chosen = payloads.period_from(period, ("month", "quarter"))
    return {"period": chosen.label, "rows": payloads.scorecards_for(user, chosen)}


@reports.register("leaderboard", "a KPI's leaderboard for a period and scope (company, teams, team:NAME), with rank "
                                 "change")
def leaderboard_report(*, user=None, period=None, kpi=None, scope=None):
    return payloads.leaderboard_data(user, payloads.period_from(period), kpi, payloads.scope_from(scope))
