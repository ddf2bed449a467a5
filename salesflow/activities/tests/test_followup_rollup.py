"""Follow-ups per local day (``FollowupDaily``, kept by database triggers) equal the follow-ups themselves after every
kind of write; the dashboards' activity volume reads it, and reads the records in another time zone."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from salesflow.activities.followups.services import delete_activity, update_activity
from salesflow.activities.models import Activity, FollowupDaily
from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.tests.factories import make_activity
from salesflow.testing.factories import make_customer

UTC = datetime.UTC


pytestmark = pytest.mark.usefixtures("rollup_zone_forgotten")


def live_by_day() -> Counter:
    return Counter((timezone.localtime(a.occurred_at).date(), a.owner_id, a.team_id or 0, a.kind)
                   for a in Activity.objects.all())


def rolled_by_day() -> Counter:
    return Counter({(r.day, r.owner_id, r.team_key, r.kind): r.n for r in FollowupDaily.objects.all()})


def assert_same_as_live():
    assert rolled_by_day() == live_by_day()
    assert not FollowupDaily.objects.filter(n__lte=0).exists()  # emptied rows are deleted


def test_rollup_follows_records_edits_moves_bulk_updates_and_deletes(org):
    customer = make_customer(org.rep_a)
    # 2026-10-31 16:30 UTC is 1 November 00:30 in Shanghai
    edge = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    call = make_activity(org.rep_a, customer, kind="call", at=edge)
    visit = make_activity(org.rep_a, customer, kind="visit", at=edge + datetime.timedelta(hours=2))
    make_activity(org.rep_b, make_customer(org.rep_b), kind="wechat", at=edge)
    assert_same_as_live()
    assert FollowupDaily.objects.get(owner_id=org.rep_a.pk, kind="call").day == datetime.date(2026, 11, 1)
    call = update_activity(call, actor=org.rep_a, version=call.version,
                           data={"occurred_at": edge - datetime.timedelta(hours=1), "kind": "meeting"})
    assert_same_as_live()
    assert FollowupDaily.objects.get(owner_id=org.rep_a.pk, kind="meeting").day == datetime.date(2026, 10, 31)
    Activity.objects.filter(pk=visit.pk).update(owner=org.rep_a2, team=None)  # a bulk write, past any signal
    assert_same_as_live()
    delete_activity(Activity.objects.get(pk=call.pk), actor=org.rep_a)
    assert_same_as_live()
    assert set(rolled_by_day()) == {(datetime.date(2026, 11, 1), org.rep_a2.pk, 0, "visit"),
                                    (datetime.date(2026, 11, 1), org.rep_b.pk, org.west.pk, "wechat")}


def test_the_activity_volume_reads_the_rollup_and_in_another_zone_the_records(org, settings):
    customer = make_customer(org.rep_a)
    edge = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 1 November in Shanghai, 31 October in London
    for kind in ("call", "call", "email"):
        make_activity(org.rep_a, customer, kind=kind, at=edge)
    november = {"start": datetime.date(2026, 11, 1), "end": datetime.date(2026, 11, 30)}

    def volume(viewer=org.manager_east, by="owner"):
        rows = activity_stats(viewer, **november, by=by, volume_only=True)
        return {r.get("owner_id", r.get("team_id")): (r["followups_call"], r["followups_total"]) for r in rows
                if r["followups_total"]}

    assert volume() == {org.rep_a.pk: (2, 3)}
    assert volume(by="team") == {org.east1.pk: (2, 3)}
    assert volume(org.rep_b) == {}  # another rep's follow-ups are not in rep_b's rows
    assert volume(org.finance) == {}
    with transaction.atomic():  # what is read is the roll-up: damage it and the figure follows
        FollowupDaily.objects.filter(kind="call").update(n=7)
        assert volume() == {org.rep_a.pk: (7, 8)}
        transaction.set_rollback(True)
    settings.TIME_ZONE = "Europe/London"  # the triggers placed the day in Shanghai: the records answer
    assert not FollowupDaily.usable()
    assert volume() == {}  # 31 October in London
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "follow-ups per day: 2 rows" in out.getvalue()
    assert FollowupDaily.usable()
    assert rolled_by_day() == live_by_day()
    assert set(r.day for r in FollowupDaily.objects.all()) == {datetime.date(2026, 10, 31)}


def test_rebuild_gives_the_rows_the_triggers_kept(org):
    for kind in ("call", "visit", "call"):
        make_activity(org.rep_a, make_customer(org.rep_a), kind=kind)
    kept = rolled_by_day()
    FollowupDaily.objects.all().delete()
    assert FollowupDaily.rebuild() == len(kept) == 2
    assert rolled_by_day() == kept
