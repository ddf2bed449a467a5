"""Run a function in several threads at once (each with its own database connection) for race tests."""

import threading

from django.db import connections


def run_in_parallel(func, args_list):
    """Call ``func(*args)`` for every ``args`` at the same moment; return results (or raised exceptions) in order."""
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait()
            results[index] = func(*args)
        except Exception as exc:  # noqa: BLE001  (the caller inspects what each thread raised)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def skip_on_sqlite_memory():
    """Thread races need a database that waits for locks: PostgreSQL. SQLite's in-memory test database (shared
    cache) answers 'table is locked' instead of waiting; on SQLite writers are serialised by BEGIN IMMEDIATE."""
    import pytest
    from django.db import connection

    return pytest.mark.skipif(connection.vendor == "sqlite", reason="thread race test: runs on PostgreSQL (SQLite "
                              "serialises writers with BEGIN IMMEDIATE, see test_sqlite_writes_begin_immediate)")
