"""Money per month, kept by database triggers: one row per measure x month x owner x team x region x product series
with the count and the sum of the records behind it — agreements signed (``signed``) and their lines
(``product_lines``, by series), payments received (``collected``), instalments due (``due``), invoices issued
(``invoiced``), what is still to collect by the month it falls due (``open``, the receivables ageing; also by the
day, ``open_by_day``, for the months an ageing bucket edge cuts) and what the payment plans of receivable
agreements ask per month (``planned``, the collection forecast). Signed, collected, due and invoiced also have a
twin not split by region (``signed_any_region`` …): a figure over every region reads it, about a tenth of the rows.
The triggers (rollup_sql.py, installed by migrations contracts 0008, 0010, 0011, 0013 and 0014) add and take away
in the same statement as every insert, update and delete of those records (and move a record's money when its
agreement changes owner, team, region, status or date, or its product changes series), so no code path —
service, ``update()``, import, admin — can miss it. The generator bulk-loads with triggers off on PostgreSQL and
rebuilds it (:func:`rebuild_money_rollup`).

A dashboard then sums a few thousand rows for a year instead of every agreement or payment in it. The attribution
is the record's, as in the rows behind each figure: the agreement's owner, team (what ``visible_to`` filters on) and
region; a month is the calendar month of the business date (signed, received, due, issued on)."""

from django.db import connection, models, transaction

from .rollup_sql import ANY_REGION, rebuild_sql

__all__ = ["MonthlyMoney", "rebuild_money_rollup"]


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
        OPEN = "open"  # still to collect, by the month it falls due
        OPEN_BY_DAY = "open_by_day"  # the same by the day it falls due ("month" holds that day)
        PLANNED = "planned"  # due on active and completed agreements (the collection forecast's plan)
        # the same as signed, collected, due and invoiced, not split by region (region_id 0): what a figure over all
        # regions reads, about a tenth of the rows
        SIGNED_ANY_REGION = "signed_any_region"
        COLLECTED_ANY_REGION = "collected_any_region"
        DUE_ANY_REGION = "due_any_region"
        INVOICED_ANY_REGION = "invoiced_any_region"

    measure = models.CharField(max_length=20, choices=Measure.choices)
    month = models.DateField()  # the first day of the month (the day itself for a daily measure: open_by_day)
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

    @classmethod
    def without_region(cls, measure: str) -> str | None:
        """The twin of ``measure`` that is not split by region (``signed`` → ``signed_any_region``), if it has one."""
        twin = measure + ANY_REGION
        return twin if twin in cls.Measure.values else None


def rebuild_money_rollup() -> int:
    """Recompute the roll-up from the records (after a bulk load without triggers, or to check it)."""
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_monthlymoney")
        for sql in rebuild_sql(connection.vendor):
            cursor.execute(sql)
            rows += cursor.rowcount
    return rows
