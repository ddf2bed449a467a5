"""Time `manage.py generate --scale N` on a throwaway PostgreSQL server.

    /work/main/.venv/bin/python bench/generate_pg.py 100000
"""

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesflow.testing.pgserver import throwaway_postgres  # noqa: E402


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with throwaway_postgres() as url:
        env = {**os.environ, "DATABASE_URL": url}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        started = time.monotonic()
        subprocess.run([*manage, "generate", "--scale", str(scale)], env=env, check=True)
        print(f"generate --scale {scale} on PostgreSQL: {time.monotonic() - started:.1f}s wall", flush=True)


if __name__ == "__main__":
    main()
