"""Heavy reads from a PostgreSQL streaming replica (salesflow/core/replica.py).

The replica tests run in the PostgreSQL suite, whose harness (salesflow/testing/run.py) starts a real streaming
replica made with pg_basebackup -R and sets SALESFLOW_REPLICA_URL. They are transactional: rows written inside an
open test transaction never reach the replica. To prove where a read went, replay is paused on the replica, a row
is written on the primary, and only a read that went to the primary can see it.
"""

import datetime
import io
import json
import socket
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesflow.core import replica
from salesflow.core.replica import REPLICA, ReplicaRouter, heavy_reads
from salesflow.customers.models import Customer
from salesflow.pipeline import services
from salesflow.settings import replica_from_url
from salesflow.testing.factories import make_customer, make_user

# --- configuration and routing rules (both suites) ------------------------------------------------------------


def test_replica_url_is_parsed_like_database_url_and_mirrors_the_test_database():
    db = replica_from_url("postgres://ro:pw@replica.example:5433/salesflow")
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("replica.example", "5433", "salesflow", "ro")
    assert db["OPTIONS"]["connect_timeout"] == "3"  # a dead replica costs a page at most 3 s, once per 10 s
    assert db["TEST"] == {"MIRROR": "default"}  # pytest-django creates nothing on the read-only replica


def test_replica_url_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured):
        replica_from_url("sqlite:////tmp/replica.sqlite3")


def test_router_writes_and_migrates_only_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Customer) == "default"
    assert router.allow_migrate("default", "customers") is True
    assert router.allow_migrate(REPLICA, "customers") is False


def test_reads_outside_heavy_reads_go_to_the_primary():
    assert replica.read_alias() == "default"


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_heavy_reads_without_a_replica_reads_the_primary(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    with heavy_reads():
        assert replica.in_heavy_reads()
        assert replica.read_alias() == "default"
    assert not replica.in_heavy_reads()


def test_heavy_reads_works_as_a_decorator_with_or_without_parentheses():
    @heavy_reads
    def bare():
        return replica.in_heavy_reads()

    @heavy_reads()
    def called():
        return replica.in_heavy_reads()

    assert bare() and called() and not replica.in_heavy_reads()



def test_once_per_scope_answers_a_repeated_read_once_inside_a_scope_only():
    calls = []

    @replica.once_per_scope
    def read(a, *, b=None):
        calls.append((a, b))
        return [a, b]

    assert read(1, b=2) == [1, 2] and read(1, b=2) == [1, 2] and len(calls) == 2  # outside a scope: every call runs
    with heavy_reads():
        first = read(1, b=2)
        assert read(1, b=2) is first and read(b=2, a=1) == [1, 2] and read(1, b=3) == [1, 3]
        with heavy_reads():  # a nested scope is the outer one
            assert read(1, b=2) is first
    assert calls == [(1, 2), (1, 2), (1, 2), (1, 2), (1, 3)]  # b=2, a=1 is another argument list: read again
    with heavy_reads():  # a new scope asks again
        read(1, b=2)
    assert len(calls) == 6


# --- against the real replica (PostgreSQL suite) ----------------------------------------------------------------

needs_replica = pytest.mark.skipif(
    connection.vendor != "postgresql" or REPLICA not in connections.settings,
    reason="needs PostgreSQL with a streaming replica (SALESFLOW_REPLICA_URL): the PostgreSQL suite starts one",
)
# Transactional: rows inside an open test transaction never replicate. Serialized rollback restores the migrations'
# rows (the default pipeline) that the flush after a transactional test deletes.
on_replica = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])


def on(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def paused(transactional_db):
    """Replay paused on the replica after it has caught up with everything written so far; resumed afterwards."""
    replica.reset_replica_state()
    replica.wait_for_replay()
    on(REPLICA, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        on(REPLICA, "SELECT pg_wal_replay_resume()")
        replica.wait_for_replay()
        replica.reset_replica_state()


def customers_seen():
    return Customer.objects.count()


@needs_replica
@on_replica
def test_heavy_page_reads_the_replica_while_an_unmarked_page_reads_the_primary(org, client_for, paused):
    client = client_for(org.director)
    url = reverse("analytics:funnel")
    before = sum(r["count"] for r in client.get(url).context["rows"])
    deal = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="副本未见",
                                     amount=100, expected_close_date=timezone.localdate() + datetime.timedelta(9))
    heavy = client.get(url)
    assert heavy.status_code == 200
    assert sum(r["count"] for r in heavy.context["rows"]) == before  # replay paused: the replica has not seen it
    detail = client.get(reverse("pipeline:detail", args=[deal.pk]))  # not marked: the primary, its own write
    assert detail.status_code == 200 and "副本未见" in detail.content.decode()
    on(REPLICA, "SELECT pg_wal_replay_resume()")
    replica.wait_for_replay()
    assert sum(r["count"] for r in client.get(url).context["rows"]) == before + 1


@needs_replica
@on_replica
def test_report_command_and_exports_read_the_replica(org, client_for, paused):
    from salesflow.org.reports import headcount

    make_user("rep_new", team=org.west)
    make_customer(org.rep_a, name="导出未见")
    out = io.StringIO()
    call_command("report", "headcount", "--json", stdout=out)
    west_reps = [r["users"] for r in json.loads(out.getvalue())["rows"] if r["team"] == "West" and r["role"] == "rep"]
    assert west_reps == [1]  # the replica: rep_b only
    assert [r["users"] for r in headcount()["rows"] if r["team"] == "West" and r["role"] == "rep"] == [2]
    director = client_for(org.director)
    export = director.get(reverse("customers:list") + "?export=csv")
    assert export.status_code == 200 and "导出未见" not in export.content.decode("utf-8-sig")
    assert "导出未见" in director.get(reverse("customers:list")).content.decode()  # the list page: the primary


@needs_replica
@on_replica
def test_writes_inside_heavy_reads_go_to_the_primary(org, paused):
    with heavy_reads():
        written = make_customer(org.rep_a, name="在主库")
        assert written._state.db == "default"
        assert not Customer.objects.filter(name="在主库").exists()  # the scope's reads: the paused replica
    assert Customer.objects.filter(name="在主库").exists()  # on the primary


@needs_replica
@on_replica
def test_reads_inside_a_transaction_on_the_primary_see_its_writes(org, paused):
    with transaction.atomic(), heavy_reads():
        make_customer(org.rep_a, name="同一事务")
        assert Customer.objects.filter(name="同一事务").exists()


@needs_replica
@on_replica
def test_lag_is_checked_once_per_scope(org, paused):
    with CaptureQueriesContext(connections[REPLICA]) as on_replica_queries, heavy_reads():
        customers_seen()
        customers_seen()
        with heavy_reads():  # a nested scope shares the decision
            customers_seen()
    lag_checks = [q for q in on_replica_queries.captured_queries if "pg_last_wal_replay_lsn" in q["sql"]]
    assert len(lag_checks) == 1 and len(on_replica_queries.captured_queries) == 4


@needs_replica
@on_replica
def test_replica_lagging_beyond_the_limit_is_not_read(org, paused, settings):
    make_customer(org.rep_a)  # received by the replica, not replayed: it now lags
    time.sleep(1.2)
    settings.SALESFLOW_REPLICA_MAX_LAG = 1
    with heavy_reads():
        assert customers_seen() == 1  # from the primary: fresh figures rather than old ones
        assert replica.read_alias() == "default"
    settings.SALESFLOW_REPLICA_MAX_LAG = 3600
    with heavy_reads():
        assert customers_seen() == 0  # within the limit: the replica (paused before the write)
        assert replica.read_alias() == REPLICA


@needs_replica
@on_replica
def test_replica_down_falls_back_to_the_primary(org, client_for):
    replica.reset_replica_state()
    make_customer(org.rep_a)
    with socket.socket() as sock:  # a port nothing listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    settings_dict = connections[REPLICA].settings_dict
    real_port = settings_dict["PORT"]
    connections[REPLICA].close()
    settings_dict["PORT"] = str(dead_port)
    try:
        with heavy_reads():
            assert customers_seen() == 1
        assert client_for(org.director).get(reverse("analytics:funnel")).status_code == 200
        assert client_for(org.director).get(reverse("contracts:receivables")).status_code == 200
    finally:
        connections[REPLICA].close()
        settings_dict["PORT"] = real_port
        replica.reset_replica_state()
    with heavy_reads():
        replica.wait_for_replay()
        assert replica.read_alias() == REPLICA  # back once the replica answers again
