import pytest
from django.core.exceptions import ImproperlyConfigured

from salesflow.settings import database_from_url


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://sf:p%40ss@db.example:5433/salesflow?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "sf", "p@ss", "db.example", "5433", "salesflow")
    assert db["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_postgres_jit_is_off_unless_the_url_says_otherwise():
    assert database_from_url("postgres://sf@db/salesflow?options=-c%20work_mem%3D64MB")["OPTIONS"] == {
        "options": "-c work_mem=64MB"}


def test_sqlite_url_uses_wal():
    db = database_from_url("sqlite:////srv/salesflow/x.sqlite3")
    assert db["NAME"] == "/srv/salesflow/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_unknown_database_scheme_fails_loudly():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


@pytest.mark.django_db
def test_a_postgresql_connection_runs_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL suite runs it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
