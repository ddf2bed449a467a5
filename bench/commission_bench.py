"""Commission at scale (issue 11): one rep's statement for a quarter — the calculation alone (what the home tile
and what-if run, nothing written), recomputing the draft (the service), and the statement page — beside the bare
SQL of its main query (the rep's agreements signed in the quarter, in order).

    /work/main/.venv/bin/python bench/commission_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/commission_bench.py --engine sqlite --scale 20000
    /work/main/.venv/bin/python bench/commission_bench.py --url postgres://...   (reuse a generated database)

The rep is the one with the most agreements signed in the current quarter; the plan is the one in force for them
(the demo step makes one per role), or a three-tier plan made here if none is.
"""

import argparse
import datetime
import statistics
import time

from harness import database, print_table, setup_django, time_page, time_sql


def time_call(func, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        func()
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            func()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[int(0.95 * (len(timings) - 1))], "queries": queries}


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
        from salesflow.core.periods import period_of
        from salesflow.org.models import User
        from salesflow.performance.commission import services
        from salesflow.performance.models import CommissionPlan, CommissionStatement

        quarter = period_of("quarter", timezone.localdate())
        owner_id = (Agreement.objects.filter(signed_on__range=(quarter.start, quarter.end)).values("owner")
                    .annotate(n=Count("id")).order_by("-n").values_list("owner", flat=True).first())
        rep = User.objects.get(pk=owner_id)
        plan = services.plan_for(rep, quarter.end)
        if plan is None:
            plan = services.save_plan(plan=CommissionPlan(
                name="bench", role=rep.role, effective_from=datetime.date(quarter.start.year, 1, 1), ote=12000,
                base_percent=70, variable_percent=30, cap_multiple=3),
                tiers=[(0, 50, "0.01"), (50, 100, "0.02"), (100, None, "0.04")])
        CommissionStatement.objects.filter(user=rep, period=quarter.label).delete()
        statement = services.compute_statement(user=rep, period=quarter)
        lines = statement.lines.count()
        agreement = Agreement._meta.db_table
        main_sql = (f"SELECT id, signed_on, amount, number FROM {agreement} WHERE owner_id = {rep.pk} AND status "
                    f"NOT IN ('draft', 'pending', 'terminated') AND signed_on BETWEEN '{quarter.start}' AND "
                    f"'{quarter.end}' ORDER BY signed_on, id")
        bare = time_sql(main_sql)
        client = Client()
        client.force_login(rep)
        rows = [
            {"page": f"calculation alone, {rep.username} {quarter.label} (SQL p95 {bare:.1f} ms)",
             **time_call(lambda: services.compute(plan, rep, quarter), opts.runs)},
            {"page": "recompute the draft (service, writes its lines)",
             **time_call(lambda: services.compute_statement(user=rep, period=quarter), opts.runs)},
            {"page": f"statement page ({lines} lines)",
             **time_page(client, f"/performance/commission/{statement.pk}/", opts.runs)},
            {"page": "  main query, bare SQL", "p50": bare, "p95": bare, "queries": 1},
        ]
        print(f"main query: {main_sql}")
        print_table(f"commission benchmark: {connection.vendor}, {Agreement.objects.count():,} agreements, "
                    f"{User.objects.filter(role='rep').count()} reps, {rep.username}: "
                    f"{statement.lines.filter(kind='record').count()} commission lines in {quarter.label}", rows)


if __name__ == "__main__":
    main()
