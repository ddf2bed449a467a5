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
roll-up trigger is there after all migrations."""

# ruff: noqa: S608  (fixed SQL: table names only, no input)


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
