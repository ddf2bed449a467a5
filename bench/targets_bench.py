"""Target completion at scale (issue 11): the whole tree for this quarter as the director (every team and rep) and
as the manager of the largest team, through the page, the API and the selector alone, beside the bare SQL of the
main query (signed amount per owner for the quarter) and of the targets read.

    /work/main/.venv/bin/python bench/targets_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/targets_bench.py --engine sqlite --scale 20000
    /work/main/.venv/bin/python bench/targets_bench.py --url postgres://...   (reuse a generated database)
"""

import argparse

from contracts_bench import time_call
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

        from salesflow.contracts.models import Agreement
        from salesflow.contracts.receivables.selectors import NOT_SIGNED
        from salesflow.core.periods import period_of
        from salesflow.org.models import Team, User
        from salesflow.performance.models import Target
        from salesflow.performance.targets.completion import completion_tree
        from salesflow.performance.targets.selectors import approved_plan

        quarter = period_of("quarter", timezone.localdate())
        director = User.objects.get(username="director")
        team = Team.objects.annotate(n=Count("members")).filter(manager__isnull=False).order_by("-n").first()
        manager = team.manager
        plan = approved_plan(quarter.start.year, "signed_amount")
        agreement = Agreement._meta.db_table
        excluded = ", ".join(f"'{s}'" for s in NOT_SIGNED)
        figure_sql = (f"SELECT owner_id, SUM(amount) FROM {agreement} WHERE status NOT IN ({excluded}) AND "
                      f"signed_on >= '{quarter.start}' AND signed_on <= '{quarter.end}' GROUP BY owner_id")
        targets_sql = (f"SELECT node, amount FROM {Target._meta.db_table} WHERE plan_id = {plan.pk if plan else 0} "
                       f"AND period = '{quarter.label}' AND dimension = ''")
        rows = []
        for label, user in (("director (whole tree)", director), (f"manager of {team.name}", manager)):
            client = Client()
            client.force_login(user)
            path = f"/performance/targets/completion/?period={quarter.label}&measure=signed_amount"
            rows.append({"page": f"completion page, {label}", **time_page(client, path, opts.runs)})
            api = f"/api/v1/performance/targets/completion?period={quarter.label}"
            rows.append({"page": f"completion API, {label}", **time_page(client, api, opts.runs)})
            rows.append({"page": "  completion_tree alone",
                         **time_call(lambda u=user: completion_tree(u, "signed_amount", quarter), opts.runs)})
        for label, sql in (("main query: signed amount per owner", figure_sql),
                           ("targets of the quarter", targets_sql)):
            bare = time_sql(sql)
            rows.append({"page": f"SQL {label}", "p50": bare, "p95": bare, "queries": 1})
        print(figure_sql)
        print(targets_sql)
        nodes = Target.objects.filter(plan=plan, period=quarter.label).count() if plan else 0
        print_table(f"targets benchmark: {connection.vendor}, {Agreement.objects.count():,} agreements, "
                    f"{User.objects.filter(role='rep').count()} reps, {nodes} nodes in the tree", rows)


if __name__ == "__main__":
    main()
