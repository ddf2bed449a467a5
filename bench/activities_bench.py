"""Field work at scale (issue 10): a rep's timeline (one customer, and the rep's own), a rep's calendar week, a
manager's team activity statistics for a quarter, and a pre-filled weekly report for a rep and for a 50-rep team's
summary — each through the function the pages call, beside the bare SQL behind it.

    /work/main/.venv/bin/python bench/activities_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/activities_bench.py --engine sqlite --scale 100000
    /work/main/.venv/bin/python bench/activities_bench.py --url postgres://...   (reuse a generated database)

The rep is the one with the most activities, the customer that rep's most followed-up one; the manager manages the
largest team; the "50-rep team" is the largest team's reps (topped up from other teams to 50 when it has fewer).
A function that does not exist yet is reported as ``[missing]`` with its bare SQL alone. Target: p95 < 300 ms on
PostgreSQL at scale 1,000,000 (10,000,000 activities).
"""

import argparse
import datetime
import importlib

from contracts_bench import time_call
from harness import database, print_table, setup_django, time_sql


def find(path: str):
    """``module:function`` if it exists yet (other concepts write them), else None."""
    module, name = path.split(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def main() -> None:  # noqa: PLR0915  (one table, read top to bottom)
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--url", help="an already generated database")
    opts = parser.parse_args()
    with database(opts.engine, opts.scale, opts.url) as url:
        setup_django(url)
        from django.db import connection
        from django.db.models import Count
        from django.utils import timezone

        from salesflow.activities.models import Activity, Task, VisitPlan, WorkReport
        from salesflow.core.periods import period_of
        from salesflow.org.access import team_subtree_ids
        from salesflow.org.models import Team, User

        activity, plan, task = (m._meta.db_table for m in (Activity, VisitPlan, Task))
        counts = Activity.objects.values("owner_id").annotate(n=Count("id")).order_by("-n")
        rep = User.objects.get(pk=counts[0]["owner_id"])
        customer_id = (Activity.objects.filter(owner=rep, customer__isnull=False).values("customer_id")
                       .annotate(n=Count("id")).order_by("-n")[0]["customer_id"])
        team = Team.objects.annotate(n=Count("members")).filter(manager__isnull=False).order_by("-n").first()
        manager = team.manager
        teams = ",".join(str(t) for t in team_subtree_ids(manager))
        reps = list(User.objects.filter(role="rep", team=team).order_by("id").values_list("id", flat=True))
        others = User.objects.filter(role="rep").exclude(team=team).order_by("id").values_list("id", flat=True)
        fifty = (reps + list(others))[:50]
        today = timezone.localdate()
        this_week = period_of("week", today)
        last_week = period_of("week", today - datetime.timedelta(days=7))
        quarter = period_of("quarter", period_of("quarter", today).start - datetime.timedelta(days=1))
        local = timezone.get_current_timezone()

        def moment(day):
            return datetime.datetime.combine(day, datetime.time(), tzinfo=local).astimezone(datetime.UTC)

        def between(first, last, column="occurred_at"):
            return f"{column} >= '{moment(first).isoformat()}' AND {column} < '{moment(last + datetime.timedelta(1)).isoformat()}'"  # noqa: E501

        owners = ",".join(str(pk) for pk in fifty)
        timeline = find("salesflow.activities.followups.selectors:timeline")
        calendar = find("salesflow.activities.tasks.calendar:calendar_window")
        per_day = (find("salesflow.activities.tasks.calendar:PER_DAY") or {}).get("week")
        stats = find("salesflow.activities.stats.selectors:activity_stats")
        figures = find("salesflow.activities.reports.figures:period_figures")
        cases = [
            ("timeline, rep's top customer", timeline and (lambda: timeline(rep, customer=customer_id, limit=50)),
             f"SELECT id FROM {activity} WHERE customer_id = {customer_id} ORDER BY occurred_at DESC, id DESC "
             "LIMIT 50"),
            ("timeline, the rep's own", timeline and (lambda: timeline(rep, owner=rep, limit=50)),
             f"SELECT id FROM {activity} WHERE owner_id = {rep.pk} ORDER BY occurred_at DESC, id DESC LIMIT 50"),
            ("calendar week, rep", calendar and (lambda: calendar(
                rep, owners=[rep], first_day=this_week.start, last_day=this_week.end, per_day=per_day)),
             f"SELECT 'a', id FROM {activity} WHERE owner_id = {rep.pk} AND kind = 'visit' AND "
             f"{between(this_week.start, this_week.end)}"
             f" UNION ALL SELECT 'p', id FROM {plan} WHERE owner_id = {rep.pk} AND planned_on BETWEEN "
             f"'{this_week.start}' AND '{this_week.end}' UNION ALL SELECT 't', id FROM {task} WHERE owner_id = "
             f"{rep.pk} AND {between(this_week.start, this_week.end, 'due_at')}"),
            (f"calendar week, manager's team ({len(reps)} reps), {per_day} a day as the page shows",
             calendar and (lambda: calendar(manager, owners=list(User.objects.filter(pk__in=reps)),
                                            first_day=this_week.start, last_day=this_week.end, per_day=per_day)),
             f"SELECT 'a', id FROM {activity} WHERE owner_id IN ({','.join(map(str, reps))}) AND kind = 'visit' "
             f"AND {between(this_week.start, this_week.end)}"),
            (f"team statistics {quarter.label}, manager of {len(reps)} reps", stats and (lambda: stats(
                manager, start=quarter.start, end=quarter.end, by="owner")),
             f"SELECT owner_id, kind, COUNT(*), COUNT(DISTINCT customer_id) FROM {activity} WHERE team_id IN "
             f"({teams}) AND {between(quarter.start, quarter.end)} GROUP BY owner_id, kind"),
            (f"weekly report figures {last_week.label}, rep", figures and (lambda: figures(
                owner_ids=[rep.pk], start=last_week.start, end=last_week.end)),
             f"SELECT kind, COUNT(*) FROM {activity} WHERE owner_id = {rep.pk} AND "
             f"{between(last_week.start, last_week.end)} GROUP BY kind"),
            (f"weekly summary {last_week.label}, {len(fifty)}-rep team", figures and (lambda: figures(
                owner_ids=fifty, start=last_week.start, end=last_week.end)),
             f"SELECT owner_id, kind, COUNT(*) FROM {activity} WHERE owner_id IN ({owners}) AND "
             f"{between(last_week.start, last_week.end)} GROUP BY owner_id, kind"),
        ]
        rows = []
        for label, func, sql in cases:
            bare = time_sql(sql)
            if func is None:
                rows.append({"page": f"{label} [missing] SQL", "p50": bare, "p95": bare, "queries": 1})
                continue
            row = time_call(func, opts.runs)
            rows.append({"page": f"{label} (SQL p95 {bare:.1f} ms, x{row['p95'] / max(bare, 0.01):.1f})", **row})
        print_table(f"activities benchmark: {connection.vendor}, {Activity.objects.count():,} activities, "
                    f"{VisitPlan.objects.count():,} visit plans, {Task.objects.count():,} tasks, "
                    f"{WorkReport.objects.count():,} reports, {User.objects.filter(role='rep').count()} reps; "
                    f"rep {rep.username} ({counts[0]['n']:,} activities)", rows)


if __name__ == "__main__":
    main()
