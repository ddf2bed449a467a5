"""Receivables selectors on PostgreSQL at scale: ageing (today and a past date), DSO, collection statistics.

    /work/main/.venv/bin/python -m bench.receivables_bench --agreements 200000

Fills a throwaway PostgreSQL with SQL ``generate_series`` (not the generator: this measures the money queries
alone): 20 teams × 50 reps, N agreements of 2 instalments each, ~75% of instalments paid by one payment, then
times each selector for a director (everything) and a manager (one 50-rep team). Prints p50/p95 (ms)."""

import argparse
import statistics
import sys
import time

from bench.harness import ROOT, setup_django

sys.path.insert(0, str(ROOT))

FILL = """
INSERT INTO contracts_agreement (number, kind, title, customer_id, owner_id, team_id, region_id, signed_on, start_on,
  end_on, amount, currency, status, payment_terms_days, payment_terms, delivery_place, delivery_method,
  breach_liability, notes, credit_flagged, planned_amount, collected_amount, invoiced_amount, created_at, updated_at,
  version)
SELECT 'HT-B-' || g, 'contract', '', %(c0)s + g %% %(nc)s, %(u0)s + g %% %(nu)s, NULL, NULL,
  CURRENT_DATE - 20 - (g %% 720), NULL, NULL, 10000 + (g %% 97) * 100, 'CNY',
  CASE WHEN g %% 50 = 0 THEN 'terminated' ELSE 'active' END, 30, '', '', '', '', '', false,
  10000 + (g %% 97) * 100, 0, 0, now(), now(), 1
FROM generate_series(1, %(n)s) g;
UPDATE contracts_agreement a SET team_id = u.team_id FROM org_user u WHERE u.id = a.owner_id;
INSERT INTO contracts_instalment (agreement_id, sequence, due_on, amount, collected_amount, note)
SELECT a.id, s, a.signed_on + 30 * s, a.amount / 2, 0, '' FROM contracts_agreement a, generate_series(1, 2) s;
-- three in four instalments paid in full (the older ones), each by one payment with one allocation
INSERT INTO contracts_payment (agreement_id, received_on, amount, method, reference, payer, note, reason,
  recorded_at, idempotency_key)
SELECT i.agreement_id, i.due_on + (i.id %% 20)::int, i.amount, 'bank_transfer', 'I' || i.id, '', '', '', now(),
  'b-' || i.id
FROM contracts_instalment i WHERE i.id %% 4 <> 0 AND i.due_on + (i.id %% 20)::int <= CURRENT_DATE;
INSERT INTO contracts_paymentallocation (payment_id, instalment_id, amount)
SELECT p.id, substr(p.idempotency_key, 3)::bigint, p.amount FROM contracts_payment p;
UPDATE contracts_instalment i SET collected_amount = i.amount FROM contracts_paymentallocation pa
WHERE pa.instalment_id = i.id;
UPDATE contracts_agreement a SET collected_amount = s.total FROM (
  SELECT agreement_id, sum(collected_amount) total FROM contracts_instalment GROUP BY agreement_id) s
WHERE s.agreement_id = a.id;
"""


def timed(func, runs=15):
    timings = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    timings = sorted(timings[2:])
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agreements", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    opts = parser.parse_args()
    from salesflow.testing.pgserver import throwaway_postgres

    with throwaway_postgres(extra_settings={"shared_buffers": "1GB", "work_mem": "32MB"}) as url:
        setup_django(url)
        import datetime

        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from salesflow.customers.models import Customer
        from salesflow.org.models import Role
        from salesflow.testing import factories

        hq = factories.make_team("HQ")
        director = factories.make_user("director", role=Role.DIRECTOR, team=hq)
        finance = factories.make_user("finance", role=Role.FINANCE, team=hq)
        teams = [factories.make_team(f"T{t}", parent=hq) for t in range(20)]
        managers = [factories.make_user(f"m{t}", role=Role.MANAGER, team=team) for t, team in enumerate(teams)]
        # reps last, so their ids are contiguous (the SQL below spreads agreements over them by id)
        reps = [factories.make_user(f"r{t}-{r}", role=Role.REP, team=team)
                for t, team in enumerate(teams) for r in range(50)]
        customers = Customer.objects.bulk_create(
            [Customer(name=f"客户{i}", owner=reps[i % len(reps)], team_id=reps[i % len(reps)].team_id)
             for i in range(20000)])
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"n": opts.agreements, "c0": customers[0].pk, "nc": len(customers),
                                  "u0": reps[0].pk, "nu": len(reps)})
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT count(*) FROM contracts_instalment WHERE collected_amount < amount")
            open_count = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM contracts_payment")
            payments = cursor.fetchone()[0]
        print(f"filled {opts.agreements:,} agreements, {2 * opts.agreements:,} instalments ({open_count:,} open), "
              f"{payments:,} payments in {time.monotonic() - started:.0f}s", flush=True)

        from django.utils import timezone

        from salesflow.contracts.receivables import selectors

        today = timezone.localdate()  # "today" takes the running-totals path only on the real today
        past = today - datetime.timedelta(days=60)
        manager = managers[3]
        cases = [
            ("ageing today, director, by team", lambda: selectors.ageing(director, today, "team")),
            ("ageing today, manager (50 reps), by rep", lambda: selectors.ageing(manager, today, "rep")),
            ("ageing today, finance, by customer (top 200)",
             lambda: selectors.ageing(finance, today, "customer", limit=200)),
            ("ageing 60 days ago, director, by team", lambda: selectors.ageing(director, past, "team")),
            ("ageing 60 days ago, manager, by rep", lambda: selectors.ageing(manager, past, "rep")),
            ("DSO by team, director", lambda: selectors.dso(director, today)),
            ("DSO by team, manager", lambda: selectors.dso(manager, today)),
            ("collections 2026 by month, director", lambda: selectors.collection_stats(director, "2026", "month")),
            ("collections 2026 by rep, manager", lambda: selectors.collection_stats(manager, "2026", "rep")),
            ("forecast 3 months, director", lambda: selectors.collection_forecast(director, today=today)),
            ("overdue tile, director", lambda: selectors.overdue_instalments(director, today).count()),
        ]
        print(f"\n{'selector':<48} {'p50 ms':>8} {'p95 ms':>8}")
        for name, func in cases:
            p50, p95 = timed(func, opts.runs)
            print(f"{name:<48} {p50:>8.1f} {p95:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
