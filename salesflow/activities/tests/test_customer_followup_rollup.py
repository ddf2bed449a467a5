"""Follow-ups per customer and local month (``CustomerFollowupMonthly``, kept by database triggers) equal the
follow-ups after every kind of write — their count, first and last moment, and the customer's class and creation
time copied in; the activity statistics read it for whole months, with the same figures as from the records."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from salesflow.activities.followups.services import delete_activity, update_activity
from salesflow.activities.models import Activity, CustomerFollowupMonthly
from salesflow.activities.stats.selectors import activity_stats
from salesflow.activities.tests.factories import make_activity
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.testing.factories import make_customer

UTC = datetime.UTC
pytestmark = pytest.mark.usefixtures("rollup_zone_forgotten")


def live() -> dict:
    rows: dict = {}
    for a in Activity.objects.filter(customer__isnull=False).select_related("customer"):
        key = (timezone.localtime(a.occurred_at).date().replace(day=1), a.owner_id, a.team_id or 0, a.customer_id)
        n, first, last = rows.get(key, (0, a.occurred_at, a.occurred_at))[:3]
        rows[key] = (n + 1, min(first, a.occurred_at), max(last, a.occurred_at), a.customer.customer_class,
                     a.customer.created_at)
    return rows


def rolled() -> dict:
    return {(r.month, r.owner_id, r.team_key, r.customer_id):
            (r.n, r.first_at, r.last_at, r.customer_class, r.customer_created_at)
            for r in CustomerFollowupMonthly.objects.all()}


def on_a_lead(owner, at):
    lead = Lead.objects.create(company="线索公司", owner=owner, team=owner.team)
    return make_activity(owner, None, lead=lead, at=at)


def assert_same_as_live():
    assert rolled() == live()
    assert not CustomerFollowupMonthly.objects.filter(n__lte=0).exists()  # emptied rows are deleted


def test_rollup_follows_records_edits_moves_deletes_and_the_customers_class(org):
    one, two = make_customer(org.rep_a, customer_class="A"), make_customer(org.rep_a, customer_class="B")
    edge = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 1 November 00:30 in Shanghai
    early = make_activity(org.rep_a, one, at=datetime.datetime(2026, 10, 10, 2, tzinfo=UTC))
    middle = make_activity(org.rep_a, one, kind="visit", at=datetime.datetime(2026, 10, 20, 2, tzinfo=UTC))
    late = make_activity(org.rep_a, one, at=edge - datetime.timedelta(hours=1))  # 31 October, the month's last
    make_activity(org.rep_a, one, at=edge)
    on_a_lead(org.rep_a, edge)  # no customer: not in this roll-up
    assert_same_as_live()
    october = CustomerFollowupMonthly.objects.get(month=datetime.date(2026, 10, 1), customer_id=one.pk)
    assert (october.n, october.first_at, october.last_at) == (3, early.occurred_at, late.occurred_at)

    # a new first moment, then the first and the last taken away: both read again from what is left
    middle = update_activity(middle, actor=org.rep_a, version=middle.version,
                             data={"occurred_at": datetime.datetime(2026, 10, 5, 2, tzinfo=UTC)})
    assert_same_as_live()
    delete_activity(Activity.objects.get(pk=middle.pk), actor=org.rep_a)
    delete_activity(Activity.objects.get(pk=late.pk), actor=org.rep_a)
    assert_same_as_live()
    october.refresh_from_db()
    assert (october.n, october.first_at, october.last_at) == (1, early.occurred_at, early.occurred_at)

    # bulk writes, past any signal: another customer, owner and team, another month
    Activity.objects.filter(pk=early.pk).update(customer=two)
    assert_same_as_live()
    Activity.objects.filter(pk=early.pk).update(owner=org.rep_a2, team=None, occurred_at=edge)
    assert_same_as_live()
    assert not CustomerFollowupMonthly.objects.filter(month=datetime.date(2026, 10, 1)).exists()

    # the customer's class and creation time, changed on the customer, are copied into its rows
    Customer.objects.filter(pk=two.pk).update(customer_class="A", created_at=edge)
    assert_same_as_live()
    assert set(CustomerFollowupMonthly.objects.values_list("customer_class", flat=True)) == {"A"}


@pytest.fixture
def quarter(org):
    """Q4 2026 for three reps in two teams: A-class and new customers, touches spread over the months."""
    old_a = make_customer(org.rep_a, customer_class="A")
    Customer.objects.filter(pk=old_a.pk).update(created_at=datetime.datetime(2026, 1, 5, tzinfo=UTC))
    new_b = make_customer(org.rep_a, customer_class="B")
    Customer.objects.filter(pk=new_b.pk).update(created_at=datetime.datetime(2026, 11, 3, tzinfo=UTC))
    west_a = make_customer(org.rep_b, customer_class="A")
    moments = [datetime.datetime(2026, month, day, hour, tzinfo=UTC)
               for month, day, hour in ((10, 1, 1), (10, 17, 9), (11, 2, 3), (12, 30, 15), (12, 31, 15))]
    for i, moment in enumerate(moments):
        make_activity(org.rep_a, old_a, kind=("call", "visit", "wechat")[i % 3], at=moment)
        make_activity(org.rep_a2 if i % 2 else org.rep_a, new_b, kind="email", at=moment)
        make_activity(org.rep_b, west_a, kind="meeting", at=moment + datetime.timedelta(hours=i))
    make_activity(org.rep_a, old_a, at=datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 1 January, local
    on_a_lead(org.rep_a, moments[2])  # no customer
    return {"start": datetime.date(2026, 10, 1), "end": datetime.date(2026, 12, 31)}


def figures(viewer, period, by):
    return {(r.get("owner_id"), r.get("team_id")): r for r in activity_stats(viewer, **period, by=by)}


@pytest.mark.parametrize("by", ["owner", "team"])
def test_statistics_from_the_rollup_equal_the_statistics_from_the_records(org, quarter, by, monkeypatch):
    viewers = (org.director, org.manager_east, org.rep_a, org.rep_b, org.finance, None)
    from_rollup = {viewer: figures(viewer, quarter, by) for viewer in viewers}
    assert from_rollup[org.director][(org.rep_a.pk, None) if by == "owner" else (None, org.east1.pk)][
        "a_class_touches"] > 0
    monkeypatch.setattr(CustomerFollowupMonthly, "usable", classmethod(lambda cls: False))
    for viewer in viewers:
        assert figures(viewer, quarter, by) == from_rollup[viewer], viewer


def test_the_statistics_read_the_rollup_for_whole_months_and_in_another_zone_the_records(org, quarter, settings):
    def rep_a():
        return figures(org.manager_east, quarter, "owner")[(org.rep_a.pk, None)]

    before = rep_a()
    assert (before["customers_touched"], before["new_customers_contacted"]) == (2, 1)
    with transaction.atomic():  # what is read is the roll-up: damage it and the figures follow
        CustomerFollowupMonthly.objects.filter(owner_id=org.rep_a.pk, customer_class="A").update(customer_class="C")
        assert rep_a()["a_class_touches"] == 0
        week = figures(org.manager_east, {"start": datetime.date(2026, 10, 1), "end": datetime.date(2026, 10, 7)},
                       "owner")[(org.rep_a.pk, None)]
        assert week["a_class_touches"] == 1  # not whole months: the records answer
        transaction.set_rollback(True)
    assert rep_a() == before
    settings.TIME_ZONE = "Europe/London"  # the triggers placed the month in Shanghai: the records answer
    assert not CustomerFollowupMonthly.usable()
    in_london = rep_a()
    assert in_london["a_class_touches"] == before["a_class_touches"] + 1  # 31 December in London
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert CustomerFollowupMonthly.usable()
    assert_same_as_live()
    assert rep_a() == in_london


def test_rebuild_gives_the_rows_the_triggers_kept(org, quarter):
    kept = rolled()
    CustomerFollowupMonthly.objects.all().delete()
    assert CustomerFollowupMonthly.rebuild() == len(kept) > 0
    assert rolled() == kept
