"""Generate one database at the given scale and run every benchmark against it.

    .venv/bin/python bench/run_all.py --engine postgres --scale 1000000
"""

import argparse
import subprocess
import sys
from pathlib import Path

from harness import database

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    opts = parser.parse_args()
    code = 0
    with database(opts.engine, opts.scale) as url:
        for script in sorted(HERE.glob("*_bench.py")):
            code |= subprocess.call([sys.executable, str(script), "--url", url, "--runs", str(opts.runs)], cwd=HERE)
    return code


if __name__ == "__main__":
    sys.exit(main())
