"""A throwaway PostgreSQL server for the test suite and benchmarks: initdb + pg_ctl in a temporary folder.

Runs as the invoking user; as root (CI) it runs the server as the ``postgres`` system user, since PostgreSQL
refuses to run as root. Durability is switched off: this server's data is discarded at the end.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_postgres(*, extra_settings: dict | None = None):
    """Yield a DATABASE_URL for a fresh server; stop it and delete its files afterwards."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="salesflow-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = _free_port()
    settings = {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": str(root),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "50",
        "shared_buffers": "256MB",
        **(extra_settings or {}),
    }
    options = f"-p {port} " + " ".join(f"-c {k}={v}" for k, v in settings.items())
    try:
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "salesflow",
             "-E", "UTF8", "--locale", "C.UTF-8"],
            check=True, capture_output=True,
        )
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"),
             "-w", "start"],
            check=True, capture_output=True,
        )
        yield f"postgres://salesflow@127.0.0.1:{port}/postgres"
    finally:
        if data.exists():
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def throwaway_replica(primary_url: str):
    """Yield a URL for a streaming replica of a throwaway server: ``pg_basebackup -R`` (which writes
    standby.signal and primary_conninfo) into a temporary folder, started on another port; stopped and deleted
    afterwards. Physical replication copies every database, so the test database created on the primary later
    appears on the replica by itself. initdb's default pg_hba.conf already trusts local replication connections,
    and wal_level=replica / max_wal_senders=10 are PostgreSQL's defaults."""
    bindir = _bindir()
    primary = urlparse(primary_url)
    root = Path(tempfile.mkdtemp(prefix="salesflow-pg-replica-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = _free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off " \
              "-c hot_standby=on -c max_connections=50"
    try:
        started = time.monotonic()
        subprocess.run(
            [*prefix, str(bindir / "pg_basebackup"), "-h", primary.hostname, "-p", str(primary.port),
             "-U", primary.username, "-D", str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync"],
            check=True, capture_output=True,
        )
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"),
             "-w", "start"],
            check=True, capture_output=True,
        )
        print(f"replica of {primary.port} on {port}: base backup and start took {time.monotonic() - started:.1f}s",
              flush=True)
        yield f"postgres://{primary.username}@127.0.0.1:{port}{primary.path}"
    finally:
        if data.exists():
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
