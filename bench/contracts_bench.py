"""Order to cash at scale (issue 9): receivables ageing as the director (everything) and as the manager of the
largest team, contract statistics by month, the agreement list and the payments list; each beside its bare SQL.

    /work/main/.venv/bin/python bench/contracts_bench.py --engine postgres --scale 1000000
    /work/main/.venv/bin/python bench/contracts_bench.py --engine sqlite --scale 100000
    /work/main/.venv/bin/python bench/contracts_bench.py --url postgres://...   (reuse a generated database)

Each page is timed through the Django test client ([page]), then the selector or list query it calls alone; a page
that does not exist yet (or fails) is replaced by its query ([query]). The ageing page also shows the 50 oldest
overdue instalments and DSO by team; the collections page also shows the 3-month collection forecast.
"""

import argparse
import statistics
import time

from harness import database, print_table, setup_django, time_page, time_sql


def time_call(func, runs: int) -> dict:
    """p50/p95 and query count of calling ``func`` (a selector, or a list page's query) the way a view would."""
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


def page_or_call(user, path, func, runs):
    import logging

    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a page not built yet is not an error here
    if path:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            if client.get(path).status_code == 200:
                return "page", time_page(client, path, runs)
        except Exception:  # noqa: BLE001, S110  (the page is not built yet: time what it would call)
            pass
    return "query", time_call(func, runs)


def month_sql(column: str, vendor: str) -> str:
    return f"date_trunc('month', {column})" if vendor == "postgresql" else f"strftime('%Y-%m', {column})"


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

        from salesflow.contracts.models import Agreement, Instalment, Payment
        from salesflow.contracts.receivables import selectors
        from salesflow.core.paging import CappedPaginator
        from salesflow.core.periods import period_of
        from salesflow.org.access import team_subtree_ids
        from salesflow.org.models import Team, User

        team = Team.objects.annotate(n=Count("members")).filter(parent__parent__isnull=False).order_by("-n").first()
        manager, director = team.manager, User.objects.get(username="director")
        reps = team.members.filter(role="rep").count()
        today = timezone.localdate()
        year = period_of("year", today)
        vendor = connection.vendor
        teams = ",".join(str(t) for t in team_subtree_ids(manager))
        agreement, instalment, payment = (m._meta.db_table for m in (Agreement, Instalment, Payment))
        mine = f"(a.owner_id = {manager.pk} OR a.team_id IN ({teams}))"
        d30, d60, d90 = (f"'{today - timezone.timedelta(days=d)}'" for d in (30, 60, 90))
        ageing_sql = (
            f"SELECT SUM(CASE WHEN i.due_on >= '{today}' THEN i.amount - i.collected_amount ELSE 0 END), "
            f"SUM(CASE WHEN i.due_on < '{today}' AND i.due_on >= {d30} THEN i.amount - i.collected_amount ELSE 0 END), "
            f"SUM(CASE WHEN i.due_on < {d30} AND i.due_on >= {d60} THEN i.amount - i.collected_amount ELSE 0 END), "
            f"SUM(CASE WHEN i.due_on < {d60} AND i.due_on >= {d90} THEN i.amount - i.collected_amount ELSE 0 END), "
            f"SUM(CASE WHEN i.due_on < {d90} THEN i.amount - i.collected_amount ELSE 0 END) "
            f"FROM {instalment} i JOIN {agreement} a ON a.id = i.agreement_id "
            f"WHERE a.status IN ('active', 'completed') AND i.collected_amount < i.amount")
        stats_sql = (
            f"SELECT {month_sql('signed_on', vendor)}, SUM(amount) FROM {agreement} a WHERE a.status NOT IN "
            f"('draft', 'pending') AND signed_on BETWEEN '{year.start}' AND '{year.end}' GROUP BY 1")
        stats_pay_sql = (
            f"SELECT {month_sql('p.received_on', vendor)}, SUM(p.amount) FROM {payment} p JOIN {agreement} a "
            f"ON a.id = p.agreement_id WHERE a.status NOT IN ('draft', 'pending') AND p.received_on BETWEEN "
            f"'{year.start}' AND '{year.end}' GROUP BY 1")

        by_team_sql = f"{ageing_sql.replace('SELECT ', 'SELECT a.team_id, ', 1)} GROUP BY a.team_id"

        def agreement_page(user):
            def run():
                qs = Agreement.objects.visible_to(user).order_by("-signed_on", "-id")
                page = CappedPaginator(qs.select_related("customer", "owner"), 25).get_page(1)
                return list(page), page.paginator.count
            return run

        def payment_page(user):
            def run():
                qs = Payment.objects.visible_to(user).order_by("-received_on", "-id")
                page = CappedPaginator(qs.select_related("agreement__customer"), 25).get_page(1)
                return list(page), page.paginator.count
            return run

        cases = [
            ("ageing, director (all)", director, "/contracts/receivables/",
             lambda: selectors.ageing(director), ageing_sql),
            (f"ageing, manager of {reps}-rep team", manager, "/contracts/receivables/",
             lambda: selectors.ageing(manager), f"{ageing_sql} AND {mine}"),
            ("ageing by team, director", director, "/contracts/receivables/?group_by=team",
             lambda: selectors.ageing(director, group_by="team"), by_team_sql),
            (f"statistics by month {year.label}, director", director,
             f"/contracts/collections/?period={year.label}&by=month",
             lambda: selectors.collection_stats(director, year, by="month"), stats_sql),
            (f"statistics by month {year.label}, manager", manager,
             f"/contracts/collections/?period={year.label}&by=month",
             lambda: selectors.collection_stats(manager, year, by="month"),
             stats_sql.replace(" GROUP BY", f" AND {mine} GROUP BY")),
            ("  (payments by month, director)", director, None, lambda: None, stats_pay_sql),
            ("agreement list, director", director, "/contracts/agreements/", agreement_page(director),
             f"SELECT a.id FROM {agreement} a ORDER BY a.signed_on DESC, a.id DESC LIMIT 25"),
            (f"agreement list, manager of {reps}-rep team", manager, "/contracts/agreements/",
             agreement_page(manager),
             f"SELECT a.id FROM {agreement} a WHERE {mine} ORDER BY a.signed_on DESC, a.id DESC LIMIT 25"),
            ("payments list, director", director, "/contracts/payments/", payment_page(director),
             f"SELECT p.id FROM {payment} p ORDER BY p.received_on DESC, p.id DESC LIMIT 25"),
            (f"payments list, manager of {reps}-rep team", manager, "/contracts/payments/", payment_page(manager),
             f"SELECT p.id FROM {payment} p JOIN {agreement} a ON a.id = p.agreement_id WHERE {mine} "
             "ORDER BY p.received_on DESC, p.id DESC LIMIT 25"),
        ]
        rows = []
        for label, user, path, func, sql in cases:
            if path is None:
                bare = time_sql(sql)
                rows.append({"page": f"{label} SQL", "p50": bare, "p95": bare, "queries": 1})
                continue
            how, row = page_or_call(user, path, func, opts.runs)
            bare = time_sql(sql)
            rows.append({"page": f"{label} [{how}] (SQL p95 {bare:.1f} ms, x{row['p95'] / max(bare, 0.01):.1f})",
                         **row})
            if how == "page":  # the selector alone, beside the page that shows it
                rows.append({"page": "  selector / list query alone", **time_call(func, opts.runs)})
        # today's ageing reads the open-per-month roll-up; the same figures from the instalments, for comparison
        for label, func in (("director", lambda: selectors.ageing_from_records(director)),
                            ("by team, director", lambda: selectors.ageing_from_records(director, group_by="team"))):
            rows.append({"page": f"  ageing from the records, {label}", **time_call(func, opts.runs)})
        print_table(f"contracts benchmark: {vendor}, {Agreement.objects.count():,} agreements, "
                    f"{Instalment.objects.count():,} instalments, {Payment.objects.count():,} payments, "
                    f"{User.objects.filter(role='rep').count()} reps", rows)


if __name__ == "__main__":
    main()
