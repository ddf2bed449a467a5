"""Home page, lead list and the API lists at scale (issue 7 §4): the pages the other two scripts do not time.

    .venv/bin/python bench/pages_bench.py --engine sqlite --scale 100000
    .venv/bin/python bench/pages_bench.py --url postgres://...   (reuse a generated database)
"""

import argparse

from harness import database, print_table, setup_django, time_page


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

        from salesflow.customers.models import Customer
        from salesflow.org.models import Team, User
        from salesflow.pipeline.models import Opportunity

        team = Team.objects.annotate(n=Count("members")).filter(parent__parent__isnull=False).order_by("-n").first()
        manager, director = team.manager, User.objects.get(username="director")
        rep = User.objects.get(username="rep")
        opportunity = Opportunity.objects.filter(owner=rep).order_by("-id").first()
        pages = [
            (rep, "/", "home, rep"),
            (manager, "/", "home, manager"),
            (director, "/", "home, director"),
            (manager, "/leads/", "lead list, manager"),
            (director, "/leads/", "lead list, director"),
            (director, "/opportunities/", "opportunity list, director"),
            (rep, f"/opportunities/{opportunity.pk}/", "opportunity page, rep"),
            (director, "/api/v1/customers/", "API customer list, director"),
            (director, "/api/v1/opportunities/", "API opportunity list, director"),
            (director, "/api/v1/leads/", "API lead list, director"),
        ]
        rows = []
        for user, path, label in pages:
            client = Client()
            client.force_login(user)
            rows.append({"page": label, **time_page(client, path, opts.runs)})
        print_table(f"pages benchmark: {connection.vendor}, {Customer.objects.count():,} customers, "
                    f"{Opportunity.objects.count():,} opportunities", rows)


if __name__ == "__main__":
    main()
