from django.db import migrations

# PostgreSQL only: "contains" searches (UPPER(col) LIKE '%x%') use trigram GIN indexes; email matches are
# case-insensitive equality. SQLite has no equivalent and scans (fine at its scale).
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_phone_trgm ON customers_customer USING gin (UPPER(phone::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_email_upper ON customers_customer (UPPER(email::text))",
]
DROP = ["DROP INDEX IF EXISTS customer_name_trgm", "DROP INDEX IF EXISTS customer_phone_trgm",
        "DROP INDEX IF EXISTS customer_email_upper"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_lifecycle_label")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
