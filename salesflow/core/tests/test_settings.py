import pytest
from django.core.exceptions import ImproperlyConfigured

from salesflow.settings import database_from_url


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://sf:p%40ss@db.example:5433/salesflow?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "sf", "p@ss", "db.example", "5433", "salesflow")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_url_uses_wal():
    db = database_from_url("sqlite:////srv/salesflow/x.sqlite3")
    assert db["NAME"] == "/srv/salesflow/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_unknown_database_scheme_fails_loudly():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")
