"""Funnel, forecast, opportunity list and kanban at scale (issue 4), each beside its bare SQL aggregate.

    .venv/bin/python bench/pipeline_bench.py --engine postgres --scale 1000000
    .venv/bin/python bench/pipeline_bench.py --url postgres://...   (reuse a generated database)
"""

import argparse

from harness import database, print_table, setup_django, time_page, time_sql


def main() -> None:
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
        from django.test import Client
        from django.utils import timezone

        from salesflow.core.periods import period_of
        from salesflow.org.access import team_subtree_ids
        from salesflow.org.models import Team, User
        from salesflow.pipeline.models import Opportunity, Pipeline

        team = Team.objects.annotate(n=Count("members")).filter(parent__parent__isnull=False).order_by("-n").first()
        manager, director = team.manager, User.objects.get(username="director")
        rep = User.objects.get(username="rep")
        pipeline = Pipeline.default()
        quarter = period_of("quarter", timezone.localdate())
        teams = ",".join(str(t) for t in team_subtree_ids(manager))
        table = Opportunity._meta.db_table
        pages = [
            (director, "/analytics/funnel/", "funnel, director (all)",
             f"SELECT stage_id, COUNT(*), SUM(amount) FROM {table} WHERE pipeline_id = {pipeline.pk} "
             "AND status = 'tracking' GROUP BY stage_id"),
            (manager, "/analytics/funnel/", f"funnel, manager of {team.members.count()}-member team",
             f"SELECT stage_id, COUNT(*), SUM(amount) FROM {table} WHERE pipeline_id = {pipeline.pk} "
             f"AND status = 'tracking' AND (owner_id = {manager.pk} OR team_id IN ({teams})) GROUP BY stage_id"),
            (director, f"/analytics/forecast/?period={quarter.label}", f"forecast {quarter.label}, director",
             f"SELECT forecast_category, SUM(amount) FROM {table} WHERE status = 'tracking' AND "
             f"expected_close_date BETWEEN '{quarter.start}' AND '{quarter.end}' GROUP BY forecast_category"),
            (manager, f"/analytics/forecast/?period={quarter.label}", f"forecast {quarter.label}, manager",
             f"SELECT forecast_category, SUM(amount) FROM {table} WHERE status = 'tracking' AND "
             f"expected_close_date BETWEEN '{quarter.start}' AND '{quarter.end}' AND (owner_id = {manager.pk} OR "
             f"team_id IN ({teams})) GROUP BY forecast_category"),
            (manager, "/opportunities/?status=tracking&sort=expected_close_date", "list, manager, tracking by date",
             f"SELECT id FROM {table} WHERE status = 'tracking' AND (owner_id = {manager.pk} OR team_id IN "
             f"({teams})) ORDER BY expected_close_date, id DESC LIMIT 25"),
            (manager, "/opportunities/?type=renewal&priority=high", "list, manager, type+priority filter", None),
            (rep, "/opportunities/kanban/", "kanban, one rep",
             f"SELECT id FROM {table} WHERE pipeline_id = {pipeline.pk} AND status = 'tracking' "
             f"AND owner_id = {rep.pk} ORDER BY expected_close_date LIMIT 50"),
        ]
        rows = []
        for user, path, label, sql in pages:
            client = Client()
            client.force_login(user)
            row = {"page": label, **time_page(client, path, opts.runs)}
            if sql:
                bare = time_sql(sql)
                row["page"] = f"{label} (SQL p95 {bare:.1f} ms, x{row['p95'] / bare:.1f})"
            rows.append(row)
        count = Opportunity.objects.count()
        print_table(f"pipeline benchmark: {connection.vendor}, {count:,} opportunities, "
                    f"{User.objects.filter(role='rep').count()} reps", rows)


if __name__ == "__main__":
    main()
