"""Run the test suite on SQLite, on a throwaway PostgreSQL server, and the browser tests.

    python -m salesflow.testing.run            # everything (what ./dev test and CI run)
    python -m salesflow.testing.run --only sqlite|postgres|e2e [-- PYTEST_ARGS...]
"""

import argparse
import os
import subprocess
import sys
import time

from salesflow.testing.pgserver import throwaway_postgres

SUITES = ("sqlite", "postgres", "e2e")


def pytest(args: list[str], env: dict) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=SUITES, action="append")
    parser.add_argument("pytest_args", nargs="*")
    opts = parser.parse_args()
    suites = opts.only or list(SUITES)
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results = {}
    for suite in suites:
        started = time.monotonic()
        print(f"\n===== {suite} =====", flush=True)
        if suite == "sqlite":
            code = pytest(["salesflow", *opts.pytest_args], base_env)
        elif suite == "postgres":
            with throwaway_postgres() as url:
                code = pytest(["salesflow", *opts.pytest_args], {**base_env, "DATABASE_URL": url})
        else:
            code = pytest(["e2e", *opts.pytest_args], base_env)
        results[suite] = (code, time.monotonic() - started)
    print("\n===== summary =====")
    for suite, (code, seconds) in results.items():
        print(f"{suite:<9} {'passed' if code == 0 else f'FAILED (exit {code})'}  {seconds:.0f}s")
    failed = sum(1 for code, _ in results.values() if code != 0)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
