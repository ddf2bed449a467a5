"""Roll-up of opportunities for the funnel and the conversion by stage: one row per pipeline x stage x status x
owner x team x furthest stage reached with the count and the summed amount, kept by database triggers in the same
statement as every opportunity insert, update and delete (rollup_sql.py, migrations pipeline 0007 and 0011) — so
no code path (service, ``update()``, import, admin) can miss it; the generator, which bulk-loads with triggers off
on PostgreSQL, rebuilds it (``rebuild_funnel_rollup``).

The funnel then sums a few hundred roll-up rows instead of every tracking opportunity: its cost no longer grows
with the number of deals. The same permission filter applies (``visible_to``: owner, or team in the user's subtree).
"""

from django.db import connection, models, transaction

from salesflow.core.models import LocalTimeRollupModel
from salesflow.core.rollups import LocalTimeRollup
from salesflow.org.access import OwnedQuerySet

from .rollup_sql import REBUILD, REFILL_REACHED

__all__ = ["WON_MONTHLY", "FunnelRollup", "WonMonthly", "rebuild_funnel_rollup"]


class FunnelRollup(models.Model):
    ACCESS_OWNER = "owner"  # visibility_q filters owner_id = user
    ACCESS_TEAM = "team_key"  # ... or team_key in the user's team subtree

    pipeline_id = models.BigIntegerField()
    stage_id = models.BigIntegerField()
    status = models.CharField(max_length=10)
    owner_id = models.BigIntegerField()  # 0: none
    team_key = models.BigIntegerField()  # the opportunity's team id; 0: none
    reached = models.PositiveSmallIntegerField(default=0)  # the furthest stage order entered; 0: no history
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=22, decimal_places=2, default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pipeline_id", "stage_id", "status", "owner_id", "team_key",
                                                       "reached"], name="funnel_rollup_reach_key")]

    def __str__(self):
        return f"{self.pipeline_id}/{self.stage_id}/{self.status}/{self.owner_id}/{self.team_key}: {self.n}"


def rebuild_funnel_rollup() -> int:
    """Recompute each opportunity's furthest stage from its history, then the roll-up from the opportunities (after
    a bulk load without triggers, or to check them)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in REFILL_REACHED:
            cursor.execute(sql)
        cursor.execute("DELETE FROM pipeline_funnelrollup")
        cursor.execute(REBUILD)
        return cursor.rowcount


# The triggers and refill, written by core.rollups from this description (installed by migration pipeline 0013).
WON_MONTHLY = LocalTimeRollup(
    table="pipeline_wonmonthly", source="pipeline_opportunity", name="opp_won", at="closed_at", bucket="month",
    keys=(("owner_id", "owner_id", "0"), ("team_key", "team_id", "0")), value="amount",
    where="{r}.status = 'won'", where_columns=("status",),  # Opportunity.Status.WON
)


class WonMonthly(LocalTimeRollupModel):
    """Won deals per calendar month of their closing (in the site's time zone), owner and team: the count and the
    summed amount, kept by database triggers on every opportunity write (``WON_MONTHLY``). A period of whole
    months (a quarter, a year) then sums a few rows per person and month instead of every deal won in it — the
    forecast's won part and the dashboards' won figure (at 1M, a quarter holds 128,000)."""

    ROLLUP = WON_MONTHLY
    ACCESS_OWNER = "owner"  # visibility_q filters owner_id = user ...
    ACCESS_TEAM = "team_key"  # ... or team_key in the user's team subtree, as for the opportunities

    month = models.DateField()  # the first day of the month
    owner_id = models.BigIntegerField()  # 0: none
    team_key = models.BigIntegerField()  # the opportunity's team id; 0: none
    n = models.BigIntegerField(default=0)
    value = models.DecimalField(max_digits=22, decimal_places=2, default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "owner_id", "team_key"], name="won_monthly_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} owner {self.owner_id}: {self.n} / {self.value}"
