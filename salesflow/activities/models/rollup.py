"""Follow-ups per local day (``FollowupDaily``): what a dashboard's activity volume sums instead of every follow-up
of the period (a 50-rep team's quarter holds about 200,000 at full scale); and per local month and customer
(``CustomerFollowupMonthly``): what the activity statistics' per-customer figures sum."""

from django.db import models

from salesflow.core.models import LocalTimeRollupModel
from salesflow.core.rollups import Copied, LocalTimeRollup
from salesflow.org.access import OwnedQuerySet

__all__ = ["CUSTOMER_FOLLOWUP_MONTHLY", "FOLLOWUP_DAILY", "CustomerFollowupMonthly", "FollowupDaily"]

# The triggers and refill, written by core.rollups from this description (installed by migration activities 0004).
FOLLOWUP_DAILY = LocalTimeRollup(
    table="activities_followupdaily", source="activities_activity", name="activity_daily", at="occurred_at",
    bucket="day", keys=(("owner_id", "owner_id", None), ("team_key", "team_id", "0"), ("kind", "kind", None)),
)


CUSTOMER_FOLLOWUP_MONTHLY = LocalTimeRollup(
    table="activities_customerfollowupmonthly", source="activities_activity", name="activity_customer_monthly",
    at="occurred_at", bucket="month",
    keys=(("owner_id", "owner_id", None), ("team_key", "team_id", "0"), ("customer_id", "customer_id", None)),
    where="{r}.customer_id IS NOT NULL", where_columns=("customer_id",), extremes=True,
    copied=Copied(table="customers_customer", key="customer_id",
                  columns=(("customer_class", "customer_class"), ("customer_created_at", "created_at"))),
)


class FollowupDaily(LocalTimeRollupModel):
    """The follow-ups (every ``Activity``, visit records included) per calendar day of ``occurred_at`` in the site's
    time zone, owner, team and kind: their count, kept by database triggers on every insert, update and delete of
    an activity — no code path can miss it; the generator, which bulk-loads with triggers off on PostgreSQL,
    refills it. Attributed as the records are (owner, and the team stored on each)."""

    ROLLUP = FOLLOWUP_DAILY
    ACCESS_OWNER = "owner"  # visibility_q filters owner_id = user ...
    ACCESS_TEAM = "team_key"  # ... or team_key in the user's team subtree, as for the activities

    day = models.DateField()
    owner_id = models.BigIntegerField()
    team_key = models.BigIntegerField()  # the activity's team id; 0: none
    kind = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "day", "team_key", "kind"],
                                               name="followup_daily_key")]

    def __str__(self):
        return f"{self.day} owner {self.owner_id} {self.kind}: {self.n}"


class CustomerFollowupMonthly(LocalTimeRollupModel):
    """The follow-ups on a customer per calendar month of ``occurred_at`` in the site's time zone, owner and team:
    their count and the first and last moment, with the customer's class and creation time copied in (a trigger
    on the customers copies them again when they change) — so a team's quarter is summed from its rows without
    looking up each customer touched. Kept by triggers as ``FollowupDaily`` is; follow-ups without a customer are
    not in it."""

    ROLLUP = CUSTOMER_FOLLOWUP_MONTHLY
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team_key"

    month = models.DateField()
    owner_id = models.BigIntegerField()
    team_key = models.BigIntegerField()  # the activity's team id; 0: none
    customer_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    # NULL only while the customer row is not there yet (a deferred foreign key, within one transaction)
    customer_class = models.CharField(max_length=1, null=True)  # noqa: DJ001
    customer_created_at = models.DateTimeField(null=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "month", "team_key", "customer_id"],
                                               name="customer_followup_monthly_key")]
        indexes = [models.Index(fields=["customer_id"], name="customer_followup_customer_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} owner {self.owner_id} customer {self.customer_id}: {self.n}"
