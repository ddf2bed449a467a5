"""Receivables ageing at scale (issues 9 and 12): the receivables page of the director (everything) and of the
manager of the largest team, and today's ageing as the selectors compute it — from the roll-up of what is open per
month due (``ageing``) and from the instalments (``ageing_from_records``) — beside the bare SQL of the ageing over
every open instalment.

    /work/main/.venv/bin/python bench/ageing_bench.py --url postgres://...   (a generated database)
    /work/main/.venv/bin/python bench/ageing_bench.py --engine sqlite --scale 20000
"""

import argparse
import statistics
import time

from harness import database, print_table, setup_django, time_page, time_sql


def time_call(func, runs: int) -> dict:
    func()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[int(0.95 * (len(timings) - 1))], "queries": "-"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--url", help="an already generated database")
    opts = parser.parse_args()
    with database(opts.engine, opts.scale, opts.url) as url:
        setup_django(url)
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from salesflow.contracts.models import Instalment
        from salesflow.contracts.receivables import selectors
        from salesflow.org.models import Team, User

        team = Team.objects.annotate(n=Count("members")).filter(manager__isnull=False).order_by("-n").first()
        director, manager = User.objects.get(username="director"), team.manager
        rows = []
        for label, user, group in (("director", director, None), ("director", director, "team"),
                                   ("director", director, "rep"), (f"manager of {team.name}", manager, "rep")):
            client = Client()
            client.force_login(user)
            if group:
                rows.append({"page": f"receivables page, {label}, by {group}",
                             **time_page(client, f"/contracts/receivables/?group_by={group}", opts.runs)})
            for name, func in (("roll-up", selectors.ageing), ("records", selectors.ageing_from_records)):
                rows.append({"page": f"ageing() {name}, {label}, by {group or '-'}",
                             **time_call(lambda func=func, user=user, group=group: func(user, None, group, limit=200),
                                         opts.runs)})
        bare = (f"SELECT SUM(amount - collected_amount) FROM {Instalment._meta.db_table} "  # noqa: S608
                "WHERE collected_amount < amount")
        value = time_sql(bare)
        rows.append({"page": "SQL open amount of every open instalment", "p50": value, "p95": value, "queries": 1})
        print(bare)
        print_table(f"ageing benchmark: {connection.vendor}, {Instalment.objects.count():,} instalments", rows)


if __name__ == "__main__":
    main()
