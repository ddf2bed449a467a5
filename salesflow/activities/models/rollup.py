"""Follow-ups per local day (``FollowupDaily``): what a dashboard's activity volume sums instead of every follow-up
of the period (a 50-rep team's quarter holds about 200,000 at full scale)."""

from django.conf import settings
from django.db import connection, models, transaction

from salesflow.core.models import LocalTimeRollupModel
from salesflow.core.rollups import LocalTimeRollup
from salesflow.org.access import OwnedQuerySet

__all__ = ["FOLLOWUP_DAILY", "FollowupDaily", "rebuild_followup_rollup"]

# The triggers and refill, written by core.rollups from this description (installed by migration activities 0004).
FOLLOWUP_DAILY = LocalTimeRollup(
    table="activities_followupdaily", source="activities_activity", name="activity_daily", at="occurred_at",
    bucket="day", keys=(("owner_id", "owner_id", None), ("team_key", "team_id", "0"), ("kind", "kind", None)),
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


def rebuild_followup_rollup() -> int:
    """Install the triggers in the current time zone and refill the roll-up from the activities (after a bulk load
    without triggers, or after ``TIME_ZONE`` changed)."""
    with transaction.atomic(), connection.cursor() as cursor:
        return FOLLOWUP_DAILY.install(cursor, connection.vendor, settings.TIME_ZONE)
