"""Run the checks and the test suite on SQLite, on a throwaway PostgreSQL server, and the browser tests.

    python -m salesflow.testing.run            # everything (what ./dev test and CI run)
    python -m salesflow.testing.run --only lint|sqlite|postgres|e2e [-- PYTEST_ARGS...]

The last line totals the test cases of all suites: "N passed, N failed, N skipped".
"""

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from salesflow.testing.pgserver import throwaway_postgres, throwaway_replica

SUITES = ("lint", "sqlite", "postgres", "e2e")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest(suite: str, paths: list[str], extra: list[str], env: dict) -> tuple[int, dict]:
    if any(not arg.startswith("-") for arg in extra):
        paths = []  # the caller named what to run
    report = ARTIFACTS / f"junit-{suite}.xml"
    report.unlink(missing_ok=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *paths, f"--junitxml={report}", *extra], env=env)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "schemathesis_cases": 0}
    if report.exists():
        root = ET.parse(report).getroot()  # noqa: S314  (pytest's own report, not untrusted input)
        for suite_node in root.iter("testsuite"):
            for key in ("tests", "failures", "errors", "skipped"):
                counts[key] += int(suite_node.get(key, 0))
        for prop in root.iter("property"):  # recorded by salesflow/core/tests/test_api_schemathesis.py
            if prop.get("name") == "schemathesis_cases":
                counts["schemathesis_cases"] += int(prop.get("value", 0))
    return code, counts


def lint(env: dict) -> int:
    return subprocess.call([sys.executable, "-m", "ruff", "check", "."], env=env) or subprocess.call(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env=env
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=SUITES, action="append")
    parser.add_argument("pytest_args", nargs="*")
    opts = parser.parse_args()
    ARTIFACTS.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SALESFLOW_REPLICA_URL"}}
    results = {}
    for suite in opts.only or SUITES:
        started = time.monotonic()
        print(f"\n===== {suite} =====", flush=True)
        counts = None
        if suite == "lint":
            code = lint(env)
        elif suite == "sqlite":
            code, counts = pytest(suite, ["salesflow"], opts.pytest_args, env)
        elif suite == "postgres":
            # With a streaming replica, as production may run: heavy report pages read from it (core/replica.py).
            with throwaway_postgres() as url, throwaway_replica(url) as replica_url:
                code, counts = pytest(suite, ["salesflow"], opts.pytest_args,
                                      {**env, "DATABASE_URL": url, "SALESFLOW_REPLICA_URL": replica_url})
        else:
            code, counts = pytest(suite, ["e2e"], opts.pytest_args, env)
        results[suite] = (code, counts, time.monotonic() - started)

    print("\n===== summary =====")
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for suite, (code, counts, seconds) in results.items():
        state = "ok" if code == 0 else f"FAILED (exit {code})"
        detail = ""
        if counts:
            failed = counts["failures"] + counts["errors"]
            passed = counts["tests"] - failed - counts["skipped"]
            total["passed"] += passed
            total["failed"] += failed
            total["skipped"] += counts["skipped"]
            detail = f"{passed} passed, {failed} failed, {counts['skipped']} skipped"
        sent = counts["schemathesis_cases"] if counts else 0
        cases = f" ({sent} schemathesis cases)" if sent else ""
        print(f"{suite:<9} {state:<18} {detail:<40} {seconds:.0f}s{cases}")
    any_failed = any(code != 0 for code, _, _ in results.values())
    if any_failed and total["failed"] == 0:
        total["failed"] = 1  # a failing check or a crashed run counts even when no test case failed
    print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if any_failed else 0


if __name__ == "__main__":
    sys.exit(main())
