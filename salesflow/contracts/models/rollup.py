"""Money per month, kept by database triggers: one row per measure x month x owner x team x region x product series
with the count and the sum of the records behind it — agreements signed (``signed``) and their lines
(``product_lines``, by series), payments received (``collected``), instalments due (``due``) and invoices issued
(``invoiced``). Migration contracts 0008 installs the triggers; they add and take away in the same statement as every
insert, update and delete of those records (and move a record's money when its agreement changes owner, team,
region, status or date, or its product changes series), so no code path — service, ``update()``, import, admin —
can miss it. The generator bulk-loads with triggers off on PostgreSQL and rebuilds it (:func:`rebuild_money_rollup`).

A dashboard then sums a few thousand rows for a year instead of every agreement or payment in it. The attribution
is the record's, as in the rows behind each figure: the agreement's owner, team (what ``visible_to`` filters on) and
region; a month is the calendar month of the business date (signed, received, due, issued on)."""

from django.db import connection, models, transaction

# ruff: noqa: S608  (fixed SQL: table and column names only, no input)

__all__ = ["MonthlyMoney", "rebuild_money_rollup", "NOT_SIGNED_SQL"]

NOT_SIGNED_SQL = "('draft', 'pending')"  # Agreement.Status DRAFT, PENDING (receivables.selectors.NOT_SIGNED)


class MonthlyMoney(models.Model):
    ACCESS_OWNER = "owner"  # visibility_q filters owner_id = user ...
    ACCESS_TEAM = "team_key"  # ... or team_key in the user's team subtree
    FINANCE_READS = True  # the same as agreements, payments, instalments and invoices

    class Measure(models.TextChoices):
        SIGNED = "signed"
        PRODUCT_LINES = "product_lines"
        COLLECTED = "collected"
        DUE = "due"
        INVOICED = "invoiced"

    measure = models.CharField(max_length=20, choices=Measure.choices)
    month = models.DateField()  # the first day of the month
    owner_id = models.BigIntegerField()  # 0: none
    team_key = models.BigIntegerField()  # the agreement's team id; 0: none
    region_id = models.BigIntegerField()  # the agreement's region id; 0: none
    series = models.CharField(max_length=60)  # product lines only; "" otherwise (and for lines without a series)
    n = models.BigIntegerField(default=0)
    value = models.DecimalField(max_digits=22, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "month", "owner_id", "team_key", "region_id",
                                                       "series"], name="monthly_money_key")]
        # The sums read the index alone on PostgreSQL (director's dashboard at 1M: 478 ms -> 388 ms in one profile).
        indexes = [models.Index(fields=["measure", "month"], include=["owner_id", "team_key", "region_id", "series",
                                                                      "n", "value"], name="monthly_money_cover"),
                   # ... and one person's rows (a rep's dashboard) without reading everybody's months
                   models.Index(fields=["owner_id", "measure", "month"],
                                include=["team_key", "region_id", "series", "n", "value"], name="monthly_money_owner")]

    def __str__(self):
        return f"{self.measure} {self.month:%Y-%m} owner {self.owner_id}: {self.n} / {self.value}"


def month_of(column: str) -> str:
    """SQL for the first day of ``column``'s month, on this connection's database."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def rebuild_sql() -> list[str]:
    """The statements that fill the roll-up from the records (the triggers' own rules, in bulk)."""
    who = "COALESCE(a.owner_id, 0), COALESCE(a.team_id, 0), COALESCE(a.region_id, 0)"
    insert = "INSERT INTO contracts_monthlymoney (measure, month, owner_id, team_key, region_id, series, n, value) "
    signed = f"a.status NOT IN {NOT_SIGNED_SQL}"
    return [
        insert + f"SELECT 'signed', {month_of('a.signed_on')}, {who}, '', COUNT(*), SUM(a.amount) "
                 f"FROM contracts_agreement a WHERE {signed} GROUP BY 2, 3, 4, 5",
        insert + f"SELECT 'product_lines', {month_of('a.signed_on')}, {who}, COALESCE(p.series, ''), COUNT(*), "
                 "SUM(l.amount) FROM contracts_agreementline l JOIN contracts_agreement a ON a.id = l.agreement_id "
                 f"LEFT JOIN catalog_product p ON p.id = l.product_id WHERE {signed} GROUP BY 2, 3, 4, 5, 6",
        insert + f"SELECT 'collected', {month_of('c.received_on')}, {who}, '', COUNT(*), SUM(c.amount) "
                 "FROM contracts_payment c JOIN contracts_agreement a ON a.id = c.agreement_id GROUP BY 2, 3, 4, 5",
        insert + f"SELECT 'due', {month_of('c.due_on')}, {who}, '', COUNT(*), SUM(c.amount) "
                 "FROM contracts_instalment c JOIN contracts_agreement a ON a.id = c.agreement_id GROUP BY 2, 3, 4, 5",
        insert + f"SELECT 'invoiced', {month_of('c.issued_on')}, {who}, '', COUNT(*), SUM(c.amount) "
                 "FROM contracts_invoice c JOIN contracts_agreement a ON a.id = c.agreement_id "
                 "WHERE c.status = 'issued' AND c.issued_on IS NOT NULL GROUP BY 2, 3, 4, 5",
    ]


def rebuild_money_rollup() -> int:
    """Recompute the roll-up from the records (after a bulk load without triggers, or to check it)."""
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_monthlymoney")
        for sql in rebuild_sql():
            cursor.execute(sql)
            rows += cursor.rowcount
    return rows
