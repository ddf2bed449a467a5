"""SQLite only: a two-character gram index of customer names and phones, kept in sync by triggers.

The list's search (``CustomerQuerySet.search``: name or phone contains the text, credit code or e-mail equal) was a
LIKE scan of every row on SQLite (568 ms p95 at 100k). FTS5's trigram tokenizer cannot serve it: Chinese names are
searched by two characters ("华信"), and FTS5 matches nothing shorter than three. So each customer's lower-cased name
and phone are cut into overlapping two-character grams, stored in ``customers_customer_gram`` (gram, customer id),
written by triggers in the same statement as the customer row (insert, update of name/phone, delete) — no code path,
import or bulk write can miss them. A search of two or more characters reads the customers that hold every gram of
the text (plus the credit-code and e-mail equality matches, each through an index), then checks the original LIKE
conditions on those rows only: the result is exactly the scan's. PostgreSQL has trigram GIN indexes (0006).
"""

from django.db import migrations

POSITIONS = "customers_gram_position"
GRAMS = "customers_customer_gram"
LONGEST = 200  # Customer.name max_length (phone is 30)


def _grams_of(row: str) -> str:
    return (f"SELECT substr(lower({row}.name), n, 2), {row}.id FROM {POSITIONS} WHERE n < length({row}.name) "
            f"UNION SELECT substr(lower({row}.phone), n, 2), {row}.id FROM {POSITIONS} WHERE n < length({row}.phone)")


CREATE = [
    f"CREATE TABLE {POSITIONS} (n INTEGER PRIMARY KEY)",
    f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {LONGEST}) "
    f"INSERT INTO {POSITIONS} (n) SELECT n FROM seq",
    f"CREATE TABLE {GRAMS} (gram TEXT NOT NULL, customer_id INTEGER NOT NULL, PRIMARY KEY (gram, customer_id)) "
    "WITHOUT ROWID",
    f"INSERT OR IGNORE INTO {GRAMS} (gram, customer_id) {_grams_of('customers_customer')}".replace(
        "customers_customer.", "c.").replace(f"FROM {POSITIONS}", f"FROM customers_customer c, {POSITIONS}"),
    f"CREATE TRIGGER customer_gram_insert AFTER INSERT ON customers_customer BEGIN "
    f"INSERT OR IGNORE INTO {GRAMS} (gram, customer_id) {_grams_of('NEW')}; END",
    f"CREATE TRIGGER customer_gram_update AFTER UPDATE OF name, phone ON customers_customer "
    f"WHEN OLD.name IS NOT NEW.name OR OLD.phone IS NOT NEW.phone BEGIN "
    f"DELETE FROM {GRAMS} WHERE customer_id = OLD.id AND gram IN "
    f"(SELECT g FROM (SELECT substr(lower(OLD.name), n, 2) AS g FROM {POSITIONS} WHERE n < length(OLD.name) "
    f"UNION SELECT substr(lower(OLD.phone), n, 2) FROM {POSITIONS} WHERE n < length(OLD.phone))); "
    f"INSERT OR IGNORE INTO {GRAMS} (gram, customer_id) {_grams_of('NEW')}; END",
    f"CREATE TRIGGER customer_gram_delete AFTER DELETE ON customers_customer BEGIN "
    f"DELETE FROM {GRAMS} WHERE customer_id = OLD.id AND gram IN "
    f"(SELECT g FROM (SELECT substr(lower(OLD.name), n, 2) AS g FROM {POSITIONS} WHERE n < length(OLD.name) "
    f"UNION SELECT substr(lower(OLD.phone), n, 2) FROM {POSITIONS} WHERE n < length(OLD.phone))); END",
    # The e-mail branch of the search (iexact is LIKE without wildcards: ASCII case-insensitive) as an index; partial,
    # so that a database where most customers have no e-mail still finds it selective.
    "CREATE INDEX customer_email_lower ON customers_customer (lower(email)) WHERE email <> ''",
]
DROP = [
    "DROP INDEX IF EXISTS customer_email_lower",
    "DROP TRIGGER IF EXISTS customer_gram_delete",
    "DROP TRIGGER IF EXISTS customer_gram_update",
    "DROP TRIGGER IF EXISTS customer_gram_insert",
    f"DROP TABLE IF EXISTS {GRAMS}",
    f"DROP TABLE IF EXISTS {POSITIONS}",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_customer_owned_since")]
    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
