"""Reading heavy pages from a PostgreSQL streaming replica.

When ``SALESFLOW_REPLICA_URL`` is set, settings.py adds ``DATABASES["replica"]`` and installs ``ReplicaRouter``.
The router sends a read to the replica ONLY inside a ``heavy_reads`` scope; every write, every read outside the
scope, every read inside a transaction on the primary and every migration goes to ``default`` (the primary).

Mark a report, an export or a dashboard (never a page that must show the row its user has just saved)::

    from salesflow.core.replica import heavy_reads

    @login_required
    @heavy_reads                    # as a view decorator (below login_required)
    def funnel_page(request): ...

    with heavy_reads():             # or as a context manager
        rows = build_report(...)

Inside the scope, the first read checks the replica once (one query, cached for the rest of the scope):
if it cannot be reached, is not a standby, or lags more than ``SALESFLOW_REPLICA_MAX_LAG`` seconds (default 30),
every read of the scope goes to the primary instead. A page therefore never fails, nor shows figures older than
the limit, because of the replica; without a replica configured the scope changes nothing.

A scope is also one read-only unit of work, so a read it repeats — the overdue tile and the ageing panel of one home
page ask the same question — may be answered once: a function marked ``@once_per_scope`` returns, inside a scope,
the result of its first call with the same arguments. Outside a scope (writes, jobs, the shell) it always runs.
"""

import functools
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
DEFAULT_MAX_LAG = 30  # seconds
DOWN_RETRY_SECONDS = 10  # after a failed connection, do not try the replica again for this long (in this process)

log = logging.getLogger(__name__)

# The replica's lag as PostgreSQL's documentation measures it: zero when everything received has been replayed
# (and a WAL receiver is running: a standby cut off from its primary has nothing to compare with), otherwise the
# age of the last replayed transaction. pg_stat_wal_receiver shows non-superusers its pid only: enough here.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
                 AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""


@dataclass
class _Scope:
    """One heavy_reads scope (a request, a report, an export): the replica decision is taken once per scope."""

    alias: str | None = None  # None until the first read decides
    lag: float | None = None  # the replica's lag in seconds when it was checked, None if not reached
    answers: dict = field(default_factory=dict)  # once_per_scope: (function, arguments) -> result


_scope: ContextVar[_Scope | None] = ContextVar("salesflow_heavy_reads", default=None)
_down_until = 0.0  # monotonic time before which this process does not try the replica again


@contextmanager
def _heavy_scope():
    outer = _scope.get()
    token = _scope.set(outer or _Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def heavy_reads(func=None):
    """Mark a heavy read-only piece of work (a report page, an export, a CLI report) so that its reads may go to the
    PostgreSQL replica: ``@heavy_reads`` on a view (under ``@login_required``) or ``with heavy_reads(): ...``.

    Writes inside still go to the primary, and so do reads inside a transaction on the primary (they must see its
    writes). Do not mark a page that must show its user's own fresh writes. Nested scopes share the outer one's
    replica decision. Without ``SALESFLOW_REPLICA_URL`` it does nothing.
    """
    if func is None:  # with heavy_reads(): ... or @heavy_reads()
        return _heavy_scope()
    return _heavy_scope()(func)


def once_per_scope(func):
    """Inside a heavy_reads scope, answer a repeated call (same hashable arguments) with the first call's result;
    outside one, just call. The result is shared: callers must not change it."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        scope = _scope.get()
        if scope is None:
            return func(*args, **kwargs)
        key = (func, args, tuple(sorted(kwargs.items())))
        if key not in scope.answers:
            scope.answers[key] = func(*args, **kwargs)
        return scope.answers[key]
    return wrapper


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def max_lag() -> float:
    return float(getattr(settings, "SALESFLOW_REPLICA_MAX_LAG", DEFAULT_MAX_LAG))


def in_heavy_reads() -> bool:
    return _scope.get() is not None


def replica_lag() -> float | None:
    """Seconds the replica is behind (0 when caught up); None when it cannot be reached or is not a standby."""
    global _down_until
    if time.monotonic() < _down_until:
        return None
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except Exception as exc:  # unreachable, refused, or (in tests) not allowed: read from the primary
        if not isinstance(exc, AssertionError):  # a test's "queries to 'replica' are not allowed" is not an outage
            log.warning("replica unavailable, reading from the primary: %s", exc)
            _down_until = time.monotonic() + DOWN_RETRY_SECONDS
        _close_quietly()
        return None
    if not in_recovery:
        log.warning("SALESFLOW_REPLICA_URL points at a server that is not a standby; reading from the primary")
        return None
    return float("inf") if lag is None else max(0.0, float(lag))


def _close_quietly() -> None:
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: S110  (already broken; the next use reconnects)
        pass


def read_alias() -> str:
    """The database a read should use now: the replica only inside heavy_reads, when configured, reachable, fresh
    enough and when no transaction is open on the primary; otherwise the primary."""
    scope = _scope.get()
    if scope is None or not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if scope.alias is None:
        scope.lag = replica_lag()
        fresh = scope.lag is not None and scope.lag <= max_lag()
        if scope.lag is not None and not fresh:
            log.warning("replica lags %.0f s (limit %s s): reading from the primary", scope.lag, max_lag())
        scope.alias = REPLICA if fresh else DEFAULT_DB_ALIAS
    return scope.alias


def reset_replica_state() -> None:
    """Forget a recorded replica outage (tests, or after an operator has fixed the replica)."""
    global _down_until
    _down_until = 0.0


def wait_for_replay(timeout: float = 10.0) -> None:
    """Wait until the replica has replayed everything the primary has written so far (tests, maintenance)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # The insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit=off a
        # just-committed record can still sit in the WAL buffers, and waiting for the write position missed it.
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")
            time.sleep(0.02)


class ReplicaRouter:
    """Installed by settings.py when SALESFLOW_REPLICA_URL is set. See the module docstring."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
