"""Customer list and customer 360 page at scale (issue 3).

    .venv/bin/python bench/customers_bench.py --engine postgres --scale 1000000
    .venv/bin/python bench/customers_bench.py --engine sqlite --scale 100000
    .venv/bin/python bench/customers_bench.py --url postgres://...   (reuse a generated database)
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
        from salesflow.org.models import Region, Team, User

        team = Team.objects.annotate(n=Count("members")).filter(parent__parent__isnull=False).order_by("-n").first()
        manager = team.manager
        rep = User.objects.get(username="rep")
        director = User.objects.get(username="director")
        region = Region.objects.filter(depth=1).first()
        customer = Customer.objects.filter(owner=rep).order_by("-id").first()
        pages = [
            (manager, "/customers/", f"list, manager of {team.members.count()}-member team"),
            (manager, "/customers/?industry=制造业&customer_class=A", "list, manager, industry+class filter"),
            (manager, "/customers/?q=华信", "list, manager, name search"),
            (manager, "/customers/?sort=-last_contact_at", "list, manager, sorted by last contact"),
            (rep, "/customers/", "list, rep (own customers)"),
            (director, "/customers/", "list, director (all customers)"),
            (director, f"/customers/?region={region.pk}&lifecycle_stage=mature", "list, director, region subtree"),
            (rep, f"/customers/{customer.pk}/", "customer 360, rep"),
            (rep, "/customers/pool/", "pool, rep"),
        ]
        rows = []
        for user, path, label in pages:
            client = Client()
            client.force_login(user)
            rows.append({"page": label, **time_page(client, path, opts.runs)})
        print_table(f"customers benchmark: {connection.vendor}, {Customer.objects.count():,} customers", rows)


if __name__ == "__main__":
    main()
