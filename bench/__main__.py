"""Run the benchmarks: ``./dev bench [NAME ...] [-- ARGS]`` runs bench/NAME_bench.py (all of them by default).

Benchmarks are not tests: each prints a table (scale, page, p50, p95, queries) for the closing notes.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names, args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    scripts = sorted(HERE.glob("*_bench.py"))
    if names:
        scripts = [HERE / f"{name}_bench.py" for name in names]
    code = 0
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        code |= subprocess.call([sys.executable, str(script), *args])
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
