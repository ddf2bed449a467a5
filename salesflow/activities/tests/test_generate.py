"""The generated field work (salesflow/activities/generate.py, showcase.py): coherent with the customers' and
leads' last contact, never in the future, visit records linked to done plans, and the demo showcase.

Generated once for the module at a small scale inside a transaction rolled back at the end (as
core/tests/test_generator.py does); each test runs in a savepoint of its own."""

import datetime

import pytest
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from salesflow.activities.models import (
    Activity,
    CustomerFollowupMonthly,
    FollowupDaily,
    ReportComment,
    Task,
    VisitPlan,
    WorkReport,
)
from salesflow.activities.showcase import non_submitters
from salesflow.core.rollups import _installed_zone
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.org.models import User
from salesflow.testing.generated import generated_data

SCALE = 300


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with generated_data(django_db_blocker, scale=SCALE) as now:
        yield now


@pytest.fixture
def now(generated, db):
    return generated


def reps():
    return list(User.objects.filter(role="rep").order_by("id"))


def test_about_ten_activities_per_customer(now):
    assert 8 * SCALE <= Activity.objects.count() <= 12 * SCALE


def test_the_follow_up_and_won_rollups_hold_what_was_generated(now):
    """PostgreSQL loads with triggers off: the generator refills the day and month roll-ups after the load."""
    from salesflow.pipeline.models import Opportunity, WonMonthly

    per_kind = dict(FollowupDaily.objects.values_list("kind").annotate(n=Sum("n")))
    assert per_kind == dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    on_customers = Activity.objects.filter(customer__isnull=False)
    per_customer = CustomerFollowupMonthly.objects.values_list("customer_id").annotate(
        n=Sum("n"), first=Min("first_at"), last=Max("last_at"))
    assert {c: (n, f, last) for c, n, f, last in per_customer} == {
        c: (n, f, last) for c, n, f, last in on_customers.values_list("customer_id").annotate(
            n=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))}
    _installed_zone.cache_clear()  # the generator dropped the roll-ups' triggers for its load: they are back
    assert FollowupDaily.usable() and CustomerFollowupMonthly.usable()
    a_class = set(CustomerFollowupMonthly.objects.filter(customer_class="A").values_list("customer_id", flat=True))
    assert a_class == set(on_customers.filter(customer__customer_class="A").values_list("customer_id", flat=True))
    won = Opportunity.objects.filter(status="won")
    assert WonMonthly.objects.aggregate(n=Sum("n"), value=Sum("value")) == won.aggregate(n=Count("id"),
                                                                                        value=Sum("amount"))
    assert won.exists()


def test_each_customers_last_contact_is_its_newest_activity(now):
    newest = dict(Activity.objects.filter(customer__isnull=False).values_list("customer_id")
                  .annotate(m=Max("occurred_at")))
    recorded = dict(Customer.objects.filter(last_contact_at__isnull=False).values_list("id", "last_contact_at"))
    assert len(recorded) > SCALE / 2
    assert newest == recorded


def test_each_leads_last_activity_is_its_newest_activity(now):
    newest = dict(Activity.objects.filter(lead__isnull=False).values_list("lead_id").annotate(m=Max("occurred_at")))
    recorded = dict(Lead.objects.filter(pk__in=list(newest)).values_list("id", "last_activity_at"))
    assert len(newest) > SCALE / 4
    assert newest == recorded
    assert not Lead.objects.filter(activities__occurred_at__gt=F("last_activity_at")).exists()


def test_nothing_recorded_is_in_the_future(now):
    today = timezone.localdate(now)
    assert Activity.objects.aggregate(m=Max("occurred_at"))["m"] <= now
    assert not Activity.objects.filter(created_at__gt=now).exists()
    assert not VisitPlan.objects.filter(Q(checked_in_at__gt=now) | Q(created_at__gt=now)).exists()
    assert not VisitPlan.objects.filter(status__in=["done", "cancelled"], planned_on__gt=today).exists()
    assert not VisitPlan.objects.filter(status="planned", planned_on__lt=today).exists()
    assert not Task.objects.filter(Q(done_at__gt=now) | Q(created_at__gt=now)).exists()
    assert not WorkReport.objects.filter(Q(submitted_at__gt=now) | Q(reviewed_at__gt=now)).exists()
    assert not WorkReport.objects.exclude(status="draft").filter(period_end__gt=today).exists()


def test_visit_records_fulfil_done_plans_of_the_same_customer_and_owner(now):
    done = VisitPlan.objects.filter(status="done")
    assert done.count() > SCALE / 10
    assert not done.filter(record__isnull=True).exists()
    records = Activity.objects.filter(visit_plan__isnull=False)
    assert set(records.values_list("kind", flat=True)) == {"visit"}
    assert not records.exclude(visit_plan__status="done").exists()
    assert not records.exclude(customer=F("visit_plan__customer"), owner=F("visit_plan__owner")).exists()
    assert not done.filter(checked_in_at__isnull=True).exists()


def test_owner_is_the_customers_owner_and_team_is_copied(now):
    owned = Activity.objects.filter(customer__owner__isnull=False)
    assert owned.count() > SCALE
    assert not owned.exclude(owner=F("customer__owner")).exists()
    assert not Activity.objects.exclude(team=F("owner__team")).exists()


def test_links_belong_to_the_activitys_customer(now):
    linked = Activity.objects.filter(customer__isnull=False)
    assert linked.filter(opportunity__isnull=False).count() > SCALE
    assert linked.filter(contact__isnull=False).count() > SCALE
    assert not linked.filter(opportunity__isnull=False).exclude(opportunity__customer=F("customer")).exists()
    assert not linked.filter(contact__isnull=False).exclude(contact__customer=F("customer")).exists()


def test_calls_and_wechat_are_most_visits_fewer(now):
    counts = dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    total = sum(counts.values())
    assert counts["call"] + counts["wechat"] > total / 2
    assert total / 20 < counts["visit"] < counts["call"]
    assert all(counts[kind] > 0 for kind in ("meeting", "email", "note"))


def test_most_activities_happen_on_weekdays_in_working_hours(now):
    local = [timezone.localtime(at) for at in Activity.objects.values_list("occurred_at", flat=True)]
    working = [at for at in local if at.weekday() < 5 and 8 <= at.hour < 20]
    assert len(working) > 0.8 * len(local)


def test_tasks_are_done_open_and_some_overdue(now):
    statuses = dict(Task.objects.values_list("status").annotate(n=Count("id")))
    assert statuses["done"] > statuses["open"] > 0
    assert Task.objects.overdue(now).count() > 0
    assert not Task.objects.filter(status="done", done_at__isnull=True).exists()


def test_every_rep_has_two_or_three_plans_today_one_checked_in(now):
    today = timezone.localdate(now)
    for rep in reps():
        plans = VisitPlan.objects.filter(owner=rep, planned_on=today)
        assert 2 <= plans.count() <= 3, rep
        assert plans.filter(status="checked_in", checked_in_at__lte=now).count() == 1
        assert not plans.exclude(customer__owner=rep).exists()


def test_every_rep_has_tasks_due_today_and_one_or_two_overdue(now):
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    for rep in reps():
        mine = Task.objects.filter(owner=rep, status="open")
        assert mine.filter(due_at__gte=max(start, now), due_at__lt=start + datetime.timedelta(days=1)).count() >= 1
        overdue = mine.filter(due_at__lt=start).values("id")
        assert 1 <= overdue.filter(created_by=rep, title__in=["发送修改后的报价单", "整理客户需求清单"]).count() <= 2


def test_reports_of_today_and_yesterday_and_who_has_not_submitted(now):
    today = timezone.localdate(now)
    yesterday = today - datetime.timedelta(days=1)
    everyone = reps()
    missing = non_submitters([(r.pk, r.team_id, r.region_id) for r in everyone])
    assert missing and everyone[0].pk not in missing
    for rep in everyone:
        daily = WorkReport.objects.filter(owner=rep, kind="daily")
        assert daily.get(period_start=today).status == "draft"
        if rep.pk in missing:
            assert not daily.filter(period_start=yesterday).exists()
        else:
            submitted = daily.get(period_start=yesterday)
            assert submitted.status == "submitted" and submitted.reviewed_at is None


def test_demo_manager_has_team_reports_to_review_and_a_rep_who_has_not_submitted(now):
    manager = User.objects.get(username="manager")
    team_reps = User.objects.filter(role="rep", team=manager.team)
    waiting = WorkReport.objects.filter(owner__in=team_reps, status="submitted")
    assert waiting.filter(kind="daily").count() >= 1 and waiting.filter(kind="weekly").count() >= 1
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    submitted = set(WorkReport.objects.filter(kind="daily", period_start=yesterday).values_list("owner", flat=True))
    assert set(team_reps.values_list("id", flat=True)) - submitted


def test_report_history_is_reviewed_by_the_team_manager(now):
    reviewed = WorkReport.objects.filter(status="reviewed")
    assert reviewed.count() > 10 * len(reps())
    assert not reviewed.exclude(reviewed_by=F("team__manager")).exists()
    assert not WorkReport.objects.exclude(status="draft").filter(submitted_at__isnull=True).exists()
    assert ReportComment.objects.exists()
    assert not ReportComment.objects.exclude(author=F("report__team__manager")).exists()


def test_submitted_reports_carry_the_figures_submit_would_freeze(now):
    from salesflow.activities.reports.figures import period_figures

    submitted = list(WorkReport.objects.submitted().order_by("id"))
    assert submitted and all(r.figures for r in submitted)
    for report in submitted[:: max(1, len(submitted) // 15)]:
        assert report.figures == period_figures(owner_ids=[report.owner_id], start=report.period_start,
                                                end=report.period_end, now=report.submitted_at)
    assert any(r.figures["followups"] for r in submitted)
    assert not WorkReport.objects.filter(status="draft").exclude(figures={}).exists()


def test_old_overdue_tasks_count_as_reminded_and_the_showcases_are_not(now):
    from salesflow.activities.models import Reminder

    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time()))
    showcase = {"发送修改后的报价单", "整理客户需求清单"}
    overdue = Task.objects.filter(status="open", due_at__lt=start)
    keys = set(Reminder.objects.values_list("key", flat=True))
    expected = {t.pk: f"task:{t.pk}:overdue:{timezone.localtime(t.due_at).date().isoformat()}" for t in overdue}
    history = [pk for pk, title in overdue.values_list("id", "title") if title not in showcase]
    mine = [pk for pk, title in overdue.values_list("id", "title") if title in showcase]
    assert history and mine
    assert all(expected[pk] in keys for pk in history)
    assert not any(expected[pk] in keys for pk in mine)


def test_visits_and_their_plans_are_in_office_hours(now):
    local_hours = {timezone.localtime(at).hour for at in Activity.objects.filter(kind="visit")
                   .values_list("occurred_at", flat=True)}
    plan_hours = {t.hour for t in VisitPlan.objects.exclude(planned_time=None).values_list("planned_time", flat=True)}
    assert local_hours and plan_hours
    assert min(local_hours | plan_hours) >= 8 and max(local_hours | plan_hours) < 19, sorted(local_hours | plan_hours)
