"""Shared benchmark plumbing: a database at a given scale, Django set up against it, and page timings."""

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def database(engine: str, scale: int, url: str | None = None):
    """Yield a DATABASE_URL holding generated data at ``scale`` (reused if ``url`` is given)."""
    if url:
        yield url
        return
    if engine == "postgres":
        from salesflow.testing.pgserver import throwaway_postgres

        with throwaway_postgres(extra_settings={"shared_buffers": "1GB", "work_mem": "32MB"}) as pg_url:
            _populate(pg_url, scale)
            yield pg_url
    else:
        path = ROOT / "var" / f"bench-{scale}.sqlite3"
        path.unlink(missing_ok=True)
        sqlite_url = f"sqlite:///{path}"
        _populate(sqlite_url, scale)
        yield sqlite_url


def _populate(url: str, scale: int) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    salesflow = [sys.executable, "-m", "salesflow.cli"]
    subprocess.run([*salesflow, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    started = time.monotonic()
    subprocess.run([*salesflow, "generate", "--scale", str(scale)], env=env, check=True, cwd=ROOT)
    print(f"generated scale {scale:,} in {time.monotonic() - started:.0f}s", flush=True)
    analyze(url)


def analyze(url: str) -> None:
    """Give the query planner row statistics (as a deployment's maintenance would): without them SQLite sorts a
    manager's whole visible set for each list page instead of walking the sort index (issue 7: 131 ms at 100k)."""
    if url.startswith("postgres"):
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "salesflow.cli", "dbshell", "--", "-c", "VACUUM ANALYZE"], env=env,
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    else:
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute("ANALYZE")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesflow.settings")
    import django

    django.setup()


def time_page(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(path).status_code == 200, path
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
        queries = len(captured)
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[int(0.95 * (len(timings) - 1))], "queries": queries}


def time_sql(sql: str, params=(), runs: int = 20) -> float:
    """p95 of a bare SQL statement (the floor a page's overhead is measured against)."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs + 2):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    timings = sorted(timings[2:])
    return timings[int(0.95 * (len(timings) - 1))]


def print_table(title: str, rows: list[dict]) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{title} (load average {load})")
    print(f"{'page':<58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for row in rows:
        print(f"{row['page']:<58} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['queries']:>8}")
