"""KPIs at scale (issue 11): a 500-rep leaderboard for a quarter (company scope, signed amount and win rate) and one
rep's scorecard for a quarter; each page beside its bare SQL. 500 reps need ``--scale 1000000`` (reps = scale/2000).

    /work/main/.venv/bin/python bench/kpis_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/kpis_bench.py --engine sqlite --scale 100000
    /work/main/.venv/bin/python bench/kpis_bench.py --url postgres://...   (reuse a generated database)

The demo generator's "kpis" step sets up the rep and manager scorecards, so the scorecard page has every KPI the
demo configures. A leaderboard evaluates the KPI for this quarter and the previous one (rank change): one grouped
query per figure and period, whatever the number of reps.
"""

import argparse

from contracts_bench import page_or_call
from harness import database, print_table, setup_django, time_sql


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
        from django.utils import timezone

        from salesflow.contracts.models import Agreement
        from salesflow.core.periods import aware_bounds, period_of
        from salesflow.org.models import User
        from salesflow.performance.kpis import selectors
        from salesflow.performance.models import Kpi
        from salesflow.pipeline.models import Opportunity

        quarter = period_of("quarter", timezone.localdate())
        director = User.objects.get(username="director")
        rep = User.objects.filter(role="rep", is_active=True).order_by("id").first()
        signed, win_rate = Kpi.objects.get(key="signed_amount"), Kpi.objects.get(key="win_rate")
        agreement, opportunity = Agreement._meta.db_table, Opportunity._meta.db_table
        start, end = (f"'{d}'" for d in (quarter.start, quarter.end))
        signed_sql = (f"SELECT owner_id, SUM(amount) FROM {agreement} WHERE status NOT IN ('draft', 'pending') "
                      f"AND signed_on >= {start} AND signed_on <= {end} GROUP BY owner_id")
        bounds = [f"'{b.isoformat(sep=' ')}'" for b in aware_bounds(quarter.start, quarter.end)]
        won_sql = (f"SELECT owner_id, COUNT(id) FROM {opportunity} WHERE status = 'won' AND closed_at >= {bounds[0]} "
                   f"AND closed_at < {bounds[1]} GROUP BY owner_id")
        rep_signed_sql = signed_sql.replace(" GROUP BY", f" AND owner_id = {rep.pk} GROUP BY")
        label = quarter.label
        cases = [
            (f"leaderboard signed amount {label}, company", director,
             f"/performance/leaderboard/?kpi=signed_amount&period={label}&scope=company",
             lambda: selectors.leaderboard(signed, quarter, "company", director), signed_sql),
            (f"leaderboard win rate {label}, company", director,
             f"/performance/leaderboard/?kpi=win_rate&period={label}&scope=company",
             lambda: selectors.leaderboard(win_rate, quarter, "company", director), won_sql),
            (f"one rep's scorecard {label}", rep, f"/performance/scorecard/?period={label}",
             lambda: selectors.scorecards(selectors.scorecard_of("rep"), quarter,
                                          [(selectors.person(rep), str(rep))]), rep_signed_sql),
        ]
        rows = []
        for name, user, path, func, sql in cases:
            how, row = page_or_call(user, path, func, opts.runs)
            bare = time_sql(sql)
            rows.append({"page": f"{name} [{how}] (main SQL p95 {bare:.1f} ms)", **row})
        print_table(f"KPI benchmark: {connection.vendor}, {Agreement.objects.count():,} agreements, "
                    f"{Opportunity.objects.count():,} opportunities, "
                    f"{User.objects.filter(role='rep').count()} reps", rows)
        print("bare SQL of the leaderboard's main query:\n  " + signed_sql)


if __name__ == "__main__":
    main()
