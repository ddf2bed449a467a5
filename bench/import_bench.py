"""A large customer import through the web and the task queue (issue 8: 100,000 rows in under 2 minutes).

    .venv/bin/python bench/import_bench.py --engine postgres --rows 100000 --format xlsx
    .venv/bin/python bench/import_bench.py --engine sqlite --rows 20000 --format csv
    .venv/bin/python bench/import_bench.py --url postgres://... --rows 100000   (reuse a generated database)

Generates the file, uploads it as the admin through the web form, runs the worker once to check every row,
confirms through the web, runs the worker once to write all rows (one transaction), and prints the timings.
"""

import argparse
import csv
import io
import time

from harness import database, setup_django

INDUSTRIES = ["制造业", "零售", "软件", "物流", "医疗", "教育", "金融", "能源"]


def make_file(rows: int, fmt: str) -> bytes:
    header = ["客户名称", "行业", "电话", "邮箱", "客户分类", "生命周期阶段", "信用额度", "外部编号", "备注"]

    def row(i):
        return [f"基准导入{i:06d}号贸易有限公司", INDUSTRIES[i % len(INDUSTRIES)], f"139{i:08d}",
                f"buyer{i}@example.cn", "ABC"[i % 3], "成熟期" if i % 2 else "潜在客户", str(1000 + i),
                f"BENCH-{i:06d}", "批量导入"]

    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for i in range(rows):
            writer.writerow(row(i))
        return buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for i in range(rows):
        sheet.append(row(i))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--scale", type=int, default=2000, help="generated data already in the database")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--url")
    args = parser.parse_args()
    started = time.monotonic()
    content = make_file(args.rows, args.format)
    print(f"generated a {args.rows:,}-row {args.format} file of {len(content) / 2**20:.1f} MB "
          f"in {time.monotonic() - started:.1f}s", flush=True)
    with database(args.engine, args.scale, args.url) as url:
        setup_django(url)
        import logging

        from django.test import Client

        from salesflow.core.models import ImportJob
        from salesflow.core.worker import run_once
        from salesflow.customers.models import Customer
        from salesflow.org.models import User

        logging.getLogger("django-q").setLevel(logging.WARNING)
        before = Customer.objects.count()
        client = Client()
        client.force_login(User.objects.get(username="admin"))
        file = io.BytesIO(content)
        file.name = f"bench.{args.format}"
        timings = {}
        started = time.monotonic()
        response = client.post("/import/customers/", {"file": file, "key": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
        timings["upload (web request)"] = time.monotonic() - started
        job = ImportJob.objects.latest("id")
        started = time.monotonic()
        run_once(schedules=False)
        timings["read + check every row (task)"] = time.monotonic() - started
        job.refresh_from_db()
        assert job.status == "ready", (job.status, job.errors[:5])
        started = time.monotonic()
        response = client.post(f"/import/jobs/{job.pk}/confirm/")
        timings["confirm (web request)"] = time.monotonic() - started
        started = time.monotonic()
        run_once(schedules=False)
        timings["write all rows, one transaction (task)"] = time.monotonic() - started
        job.refresh_from_db()
        assert job.status == "done", (job.status, job.errors[:5])
        created = Customer.objects.count() - before
        assert created == args.rows, created
        total = sum(timings.values())
        engine = "postgres" if url.startswith("postgres") else "sqlite"
        print(f"\n{args.rows:,}-row customer {args.format} import on {engine} (database had {before:,} customers)")
        for name, seconds in timings.items():
            print(f"  {name:<42} {seconds:8.1f} s")
        print(f"  {'total':<42} {total:8.1f} s   ({args.rows / total:,.0f} rows/s); job result {job.result}")


if __name__ == "__main__":
    main()
