"""Role dashboards at scale (issue 12): the home page of the rep, the manager of the largest team, the director and
finance, each with its panels, beside the bare SQL of the heaviest panel queries (this year's signed amount by month;
this quarter's signed amount by owner team).

    /work/main/.venv/bin/python bench/dashboards_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/dashboards_bench.py --engine sqlite --scale 20000
    /work/main/.venv/bin/python bench/dashboards_bench.py --url postgres://...   (reuse a generated database)
"""

import argparse

from harness import database, print_table, setup_django, time_page, time_sql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--url", help="an already generated database")
    parser.add_argument("--only", help="comma-separated usernames (default: rep, manager of the largest team, "
                                       "director, finance)")
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

        today = timezone.localdate()
        quarter = period_of("quarter", today)
        team = Team.objects.annotate(n=Count("members")).filter(manager__isnull=False).order_by("-n").first()
        people = {"rep": User.objects.get(username="rep"), f"manager of {team.name}": team.manager,
                  "director": User.objects.get(username="director"), "finance": User.objects.get(username="finance")}
        if opts.only:
            wanted = opts.only.split(",")
            people = {label: user for label, user in people.items() if user.username in wanted}
        rows = []
        for label, user in people.items():
            client = Client()
            client.force_login(user)
            rows.append({"page": f"home dashboard, {label}", **time_page(client, "/", opts.runs)})
        agreement = Agreement._meta.db_table
        excluded = ", ".join(f"'{s}'" for s in NOT_SIGNED)
        trunc = ("date_trunc('month', signed_on)" if connection.vendor == "postgresql"
                 else "strftime('%Y-%m', signed_on)")
        by_month = (f"SELECT {trunc}, SUM(amount) FROM {agreement} WHERE status NOT IN ({excluded}) AND "
                    f"signed_on >= '{today.year}-01-01' AND signed_on <= '{today.year}-12-31' GROUP BY 1")
        by_team = (f"SELECT u.team_id, SUM(a.amount), COUNT(*) FROM {agreement} a JOIN org_user u ON u.id = a.owner_id "
                   f"WHERE a.status NOT IN ({excluded}) AND a.signed_on >= '{quarter.start}' AND "
                   f"a.signed_on <= '{quarter.end}' GROUP BY u.team_id")
        for label, sql in (("signed by month, this year", by_month), ("signed by owner's team, quarter", by_team)):
            bare = time_sql(sql)
            rows.append({"page": f"SQL {label}", "p50": bare, "p95": bare, "queries": 1})
        print(by_month)
        print(by_team)
        print_table(f"dashboards benchmark: {connection.vendor}, {Agreement.objects.count():,} agreements, "
                    f"{User.objects.filter(role='rep').count()} reps", rows)


if __name__ == "__main__":
    main()
