"""Plumbing shared by the roll-up tables that database triggers keep (the funnel's, the money per month): a row
whose count falls to zero is deleted by a trigger on the roll-up table itself.

Why: a roll-up row names a person, team, region or stage by id. Left at zero after its last record moved away, it
would outlive what it names (a region merged away, a stage removed) and a reader grouping by those ids would meet an
id that no longer exists. And when the roll-up is emptied before its records — ``DELETE FROM`` every table, as a
test database flush on SQLite does, in no fixed order — the records' delete triggers would otherwise leave rows with
negative counts behind.

Mind SQLite: a migration that makes it rebuild a table (most ``AlterField``, a constraint change) drops that
table's triggers, and refuses while another table's trigger names it. Such a migration drops the triggers first and
installs them again after (pipeline 0011 does); ``contracts/tests/test_money_rollup.py`` checks that every
roll-up trigger is there after all migrations.

A roll-up by the local day or month of a timestamp (:class:`LocalTimeRollup`: the won deals', the follow-ups')
computes that date inside its trigger, in the time zone the site ran in when the trigger was installed. A reader
asks :meth:`LocalTimeRollup.zone_matches` — the zone is read from the installed trigger itself, so nothing can say
otherwise than what the trigger does — and reads the records themselves while the site runs in another zone
(``TIME_ZONE`` changed since): a figure is never placed on the wrong day; ``salesflow rebuild_rollups`` installs the
triggers again in the current zone."""

import functools
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# ruff: noqa: S608  (fixed SQL: table names and a checked zone name only, no input)


# how local_date_sql names the zone, on either database
ZONE_IN_SQL = r"(?:AT TIME ZONE|django_datetime_cast_date\([^,]+,) '([^']+)'"


def local_date_sql(column: str, vendor: str, zone: str, bucket: str = "day") -> str:
    """SQL of the calendar day (``bucket`` "day") or the first day of the month ("month"), in ``zone``, of the
    timestamp ``column``."""
    zoneinfo.ZoneInfo(zone)  # a real zone name (and so no quote in the SQL); raises otherwise
    if vendor == "postgresql":
        if bucket == "month":
            return f"CAST(date_trunc('month', {column} AT TIME ZONE '{zone}') AS date)"
        return f"CAST({column} AT TIME ZONE '{zone}' AS date)"
    # Django registers django_datetime_cast_date on every SQLite connection it opens (its __date lookups use it);
    # timestamps are stored in UTC
    day = f"django_datetime_cast_date({column}, '{zone}', 'UTC')"
    return f"date({day}, 'start of month')" if bucket == "month" else day


@dataclass(frozen=True)
class Copied:
    """Columns a roll-up row copies from the row its records reference (the customer's class, for one), so a reader
    need not look up each referenced row; a trigger on ``table`` copies them again when they change there."""

    table: str  # the referenced table
    key: str  # the roll-up key column that holds the referenced id (its record column is the reference)
    columns: tuple  # (roll-up column, column of ``table``)


@dataclass(frozen=True)
class LocalTimeRollup:
    """A roll-up of ``source``'s records by the local day or month of a timestamp and a few key columns, with their
    count (``n``), when ``value`` names a column its sum (``value``), with ``extremes`` the first and last moment, with
    ``copied`` columns of a referenced row: the triggers that keep it on every insert, update and delete, per
    database, and the bulk refill — written from this one description."""

    table: str  # the roll-up table: a date column named as ``bucket``, the key columns, n (and value)
    source: str  # the records' table
    name: str  # the triggers' (and PostgreSQL function's) name
    at: str  # the records' timestamp column that places a record on a day or in a month
    bucket: str  # "day" or "month"
    keys: tuple  # (roll-up column, record column, what a NULL is kept as — "0" — or None: never NULL)
    value: str = ""  # the record column summed ("": a count only)
    where: str = ""  # which records count: SQL on the record, "{r}" standing for it
    where_columns: tuple = ()  # the record columns ``where`` reads
    extremes: bool = False  # also keep ``first_at`` and ``last_at``: the earliest and latest ``at`` of the row
    copied: Copied | None = None

    @property
    def watched(self) -> list[str]:
        """The record columns whose change moves a record in the roll-up."""
        keys = [column for _k, column, _null in self.keys]
        return list(dict.fromkeys([self.at, *keys, *self.where_columns, *([self.value] if self.value else [])]))

    def _counted(self, r: str) -> str:
        return f"{r}.{self.at} IS NOT NULL" + (f" AND {self.where.format(r=r)}" if self.where else "")

    def _values(self, r: str, vendor: str, zone: str) -> list[str]:
        return [local_date_sql(f"{r}.{self.at}", vendor, zone, self.bucket),
                *(f"COALESCE({r}.{column}, {null})" if null else f"{r}.{column}" for _k, column, null in self.keys)]

    def _key_columns(self) -> list[str]:
        return [self.bucket, *(k for k, _c, _n in self.keys)]

    def _columns(self) -> str:
        return ", ".join([*self._key_columns(), "n", *(["value"] if self.value else []),
                          *(["first_at", "last_at"] if self.extremes else []),
                          *(column for column, _c in (self.copied.columns if self.copied else ()))])

    def _reference(self) -> str:
        """The record column that references ``copied.table``."""
        return next(column for key, column, _n in self.keys if key == self.copied.key)

    def _add(self, r: str, sign: str, vendor: str, zone: str) -> str:
        """Add (sign "+") or take away ("-") the record ``r`` (NEW or OLD) when it counts."""
        t = self.table
        values = [*self._values(r, vendor, zone), f"{sign}1", *([f"{sign}{r}.{self.value}"] if self.value else [])]
        sums = [f"n = {t}.n + excluded.n", *([f"value = {t}.value + excluded.value"] if self.value else [])]
        if self.extremes:
            values += [f"{r}.{self.at}", f"{r}.{self.at}"]
            if sign == "+":  # on taking away, _remove reads them again
                least, greatest = ("min", "max") if vendor == "sqlite" else ("LEAST", "GREATEST")
                sums += [f"first_at = {least}({t}.first_at, excluded.first_at)",
                         f"last_at = {greatest}({t}.last_at, excluded.last_at)"]
        if self.copied:
            values += [f"(SELECT c.{column} FROM {self.copied.table} c WHERE c.id = {r}.{self._reference()})"
                       for _k, column in self.copied.columns]
            sums += [f"{key} = excluded.{key}" for key, _c in self.copied.columns]
        return (f"INSERT INTO {t} ({self._columns()}) SELECT {', '.join(values)} WHERE {self._counted(r)} "
                f"ON CONFLICT ({', '.join(self._key_columns())}) DO UPDATE SET {', '.join(sums)}")

    def _remove(self, r: str, vendor: str, zone: str) -> str:
        """Take away the record ``r``; with ``extremes``, the row's first and last times are read again from its records
        when ``r`` was one of them (after the record left: an AFTER trigger)."""
        if not self.extremes:
            return self._add(r, "-", vendor, zone)
        s = "s"
        same = " AND ".join(f"{mine} = {theirs}" for mine, theirs in
                            zip(self._values(s, vendor, zone), self._values(r, vendor, zone), strict=True))
        records = f"FROM {self.source} {s} WHERE {same} AND {self._counted(s)}"
        row = " AND ".join(f"{column} = {value}" for column, value in
                           zip(self._key_columns(), self._values(r, vendor, zone), strict=True))
        return (f"{self._add(r, '-', vendor, zone)}; UPDATE {self.table} SET first_at = (SELECT MIN({s}.{self.at}) "
                f"{records}), last_at = (SELECT MAX({s}.{self.at}) {records}) WHERE {row} AND "
                f"({r}.{self.at} <= first_at OR {r}.{self.at} >= last_at) AND {self._counted(r)}")

    def _changed(self, vendor: str) -> str:
        op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in self.watched)

    def trigger_names(self, vendor: str) -> list[str]:
        return [name for name, _table in self._trigger_tables(vendor)]

    def _trigger_tables(self, vendor: str) -> list[tuple[str, str]]:
        """(trigger, the table it is on) of every trigger installed."""
        names = [f"{self.name}_{e}" for e in ("insert", "update", "delete")] if vendor == "sqlite" else [self.name]
        return [(name, self.source) for name in names] + ([(f"{self.name}_copy", self.copied.table)]
                                                          if self.copied else [])

    def _copy_triggers(self, vendor: str) -> list[str]:
        """The trigger on the referenced table that copies its changed columns into the roll-up rows."""
        table, name = self.copied.table, f"{self.name}_copy"
        watched = ", ".join(column for _k, column in self.copied.columns)
        op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        changed = " OR ".join(f"OLD.{column} {op} NEW.{column}" for _k, column in self.copied.columns)
        update = (f"UPDATE {self.table} SET {', '.join(f'{key} = NEW.{column}' for key, column in self.copied.columns)}"
                  f" WHERE {self.copied.key} = NEW.id")
        if vendor == "sqlite":
            return [f"CREATE TRIGGER {name} AFTER UPDATE OF {watched} ON {table} WHEN {changed} BEGIN {update}; END"]
        return [f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  {update};\n"
                "  RETURN NULL;\nEND $$",
                f"CREATE TRIGGER {name} AFTER UPDATE OF {watched} ON {table} FOR EACH ROW WHEN ({changed}) "
                f"EXECUTE FUNCTION {name}()"]

    def _triggers(self, vendor: str, zone: str) -> list[str]:
        copy = self._copy_triggers(vendor) if self.copied else []
        add, remove, changed, watched = self._add, self._remove, self._changed(vendor), ", ".join(self.watched)
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.source} "
                f"BEGIN {add('NEW', '+', vendor, zone)}; END",
                f"CREATE TRIGGER {self.name}_update AFTER UPDATE OF {watched} ON {self.source} WHEN {changed} "
                f"BEGIN {remove('OLD', vendor, zone)}; {add('NEW', '+', vendor, zone)}; END",
                f"CREATE TRIGGER {self.name}_delete AFTER DELETE ON {self.source} "
                f"BEGIN {remove('OLD', vendor, zone)}; END",
                *copy,
            ]
        # An update touches its two roll-up rows in key order, so two transactions moving records in opposite
        # directions lock them in the same order (no deadlock).
        key = {r: f"({', '.join(self._values(r, vendor, zone))})" for r in ("OLD", "NEW")}
        return [f"""CREATE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {add('NEW', '+', vendor, zone)};
  ELSIF TG_OP = 'DELETE' THEN
    {remove('OLD', vendor, zone)};
  ELSIF {changed} THEN
    IF {key['OLD']} <= {key['NEW']} THEN
      {remove('OLD', vendor, zone)};
      {add('NEW', '+', vendor, zone)};
    ELSE
      {add('NEW', '+', vendor, zone)};
      {remove('OLD', vendor, zone)};
    END IF;
  END IF;
  RETURN NULL;
END $$""", f"CREATE TRIGGER {self.name} AFTER INSERT OR DELETE OR UPDATE OF {watched} ON {self.source} "
                 f"FOR EACH ROW EXECUTE FUNCTION {self.name}()", *copy]

    def refill_sql(self, vendor: str, zone: str) -> str:
        # written in order of the first key (the owner) and the date: one person's days then lie together on
        # disk, and a reader of a team's quarter fetches a few hundred pages rather than one page per row (at 1M
        # follow-ups: 10,000 pages, 26 ms)
        order = ", ".join(str(i + 1) for i in [1, 0, *range(2, len(self.keys) + 1)])  # the first key, the date, ...
        groups = ", ".join(str(i + 1) for i in range(len(self.keys) + 1))
        src = self.source
        sums = [*([f"SUM({src}.{self.value})"] if self.value else []),
                *([f"MIN({src}.{self.at})", f"MAX({src}.{self.at})"] if self.extremes else [])]
        joined = ""
        if self.copied:
            sums += [f"MAX(c.{column})" for _k, column in self.copied.columns]  # one referenced row per group
            joined = f" LEFT JOIN {self.copied.table} c ON c.id = {src}.{self._reference()}"
        return (f"INSERT INTO {self.table} ({self._columns()}) SELECT "
                f"{', '.join([*self._values(src, vendor, zone), 'COUNT(*)', *sums])} FROM {src}{joined} "
                f"WHERE {self._counted(src)} GROUP BY {groups} ORDER BY {order}")

    def drop(self, cursor, vendor: str) -> None:
        for name, table in self._trigger_tables(vendor):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if vendor == "postgresql" else ""))
            if vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")

    def install(self, cursor, vendor: str, zone: str) -> int:
        """(Re)install the triggers in ``zone`` and refill the roll-up from the records: the number of roll-up rows.
        Run it in a transaction (a migration's, or a rebuild's)."""
        self.drop(cursor, vendor)
        for sql in self._triggers(vendor, zone):
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {self.table}")
        cursor.execute(self.refill_sql(vendor, zone))
        _installed_zone.cache_clear()
        return cursor.rowcount

    def operations(self) -> list:
        """A migration's operations once the roll-up table exists: the triggers in the site's zone, the refill from
        the records already there, and the trigger deleting emptied rows."""
        from django.db import migrations

        def install(apps, schema_editor):
            with schema_editor.connection.cursor() as cursor:
                self.install(cursor, schema_editor.connection.vendor, settings.TIME_ZONE)

        def drop(apps, schema_editor):
            with schema_editor.connection.cursor() as cursor:
                self.drop(cursor, schema_editor.connection.vendor)

        return [migrations.RunPython(install, drop), *prune_operations(self.table)]

    def zone_matches(self, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Whether the triggers place records on the days of the zone the site runs in. Read once per process: the
        zone changes only with a migration or ``rebuild_rollups`` (which clear it here) and a restart."""
        return _installed_zone(using, self.name) == settings.TIME_ZONE


@functools.cache
def _installed_zone(alias: str, name: str) -> str | None:
    """The zone in the SQL of the installed trigger ``name`` (the insert trigger on SQLite, the function on
    PostgreSQL); None when it is not installed."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{name}_insert"])
        row = cursor.fetchone()
    found = re.search(ZONE_IN_SQL, row[0]) if row else None
    return found.group(1) if found else None


def prune_trigger_sql(table: str, vendor: str) -> list[str]:
    """The statements that install the trigger deleting ``table``'s rows whose ``n`` is zero or less."""
    name = f"{table}_prune"
    if vendor == "sqlite":
        return [f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} WHEN NEW.n <= 0 "
                f"BEGIN DELETE FROM {table} WHERE id = NEW.id; END" for event in ("INSERT", "UPDATE")]
    if vendor == "postgresql":
        return [f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"  DELETE FROM {table} WHERE id = NEW.id;\n  RETURN NULL;\nEND $$",
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OF n ON {table} FOR EACH ROW WHEN (NEW.n <= 0) "
                f"EXECUTE FUNCTION {name}()"]
    return []


def prune_trigger_names(table: str, vendor: str) -> list[str]:
    name = f"{table}_prune"
    return {"sqlite": [f"{name}_insert", f"{name}_update"], "postgresql": [name]}.get(vendor, [])


def drop_prune_trigger_sql(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in prune_trigger_names(table, vendor)]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_prune ON {table}", f"DROP FUNCTION IF EXISTS {table}_prune()"]
    return []


def prune_operations(table: str):
    """A migration's operations: install the trigger and delete the rows already at zero."""
    from django.db import migrations

    def create(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        schema_editor.execute(f"DELETE FROM {table} WHERE n <= 0", params=None)
        for sql in prune_trigger_sql(table, vendor):
            schema_editor.execute(sql, params=None)

    def drop(apps, schema_editor):
        for sql in drop_prune_trigger_sql(table, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    return [migrations.RunPython(create, drop)]
