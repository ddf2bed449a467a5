import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan
from salesflow.activities.tests.factories import make_plan, make_task
from salesflow.activities.visits import services
from salesflow.customers.models import Contact
from salesflow.testing.factories import make_customer

TODAY = timezone.localdate


def test_today_shows_my_plans_and_tasks_due_with_check_in_and_record(org, client_for):
    mine = make_plan(org.rep_a, make_customer(org.rep_a, name="东方制造"), objective="演示新版本")
    other = make_plan(org.rep_a2, make_customer(org.rep_a2, name="西部物流"))
    tomorrow = make_plan(org.rep_a, make_customer(org.rep_a, name="明日客户"), on=TODAY() + datetime.timedelta(days=1))
    late = make_plan(org.rep_a, make_customer(org.rep_a, name="上周客户"), on=TODAY() - datetime.timedelta(days=3))
    make_task(org.rep_a, title="逾期回电", due=timezone.now() - datetime.timedelta(days=1))
    make_task(org.rep_a, title="下周任务", due=timezone.now() + datetime.timedelta(days=8))
    response = client_for(org.rep_a).get("/activities/today/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "东方制造" in body and "演示新版本" in body
    assert f'data-testid="check-in-{mine.pk}"' in body and f'data-testid="record-{mine.pk}"' in body
    assert "西部物流" not in body and f"plan-{other.pk}" not in body
    assert f"plan-{tomorrow.pk}" not in body
    assert "上周客户" in body and f"plan-{late.pk}" in body  # earlier plans still open are offered for recording
    assert "逾期回电" in body and "下周任务" not in body


def test_today_links_only_to_pages_that_exist(org, client_for):
    body = client_for(org.rep_a).get("/activities/today/").content.decode()
    from django.urls import NoReverseMatch, reverse

    for name, testid in (("activities:followup-create", "record-followup"),
                         ("activities:report-today", "write-daily-report")):
        try:
            reverse(name)
        except NoReverseMatch:
            assert f'data-testid="{testid}"' not in body
        else:
            assert f'data-testid="{testid}"' in body


def test_rep_cannot_open_another_reps_plan(org, client_for):
    plan = make_plan(org.rep_b, make_customer(org.rep_b))
    client = client_for(org.rep_a)
    for path in (f"/activities/visits/{plan.pk}/", f"/activities/visits/{plan.pk}/edit/",
                 f"/activities/visits/{plan.pk}/record/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/activities/visits/{plan.pk}/check-in/", {"version": 1}).status_code == 404
    assert client.post(f"/activities/visits/{plan.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED


def test_manager_sees_their_subtree_only(org, client_for):
    east = make_plan(org.rep_a, make_customer(org.rep_a, name="东区客户"))
    west = make_plan(org.rep_b, make_customer(org.rep_b, name="西区客户"))
    client = client_for(org.manager_east)
    body = client.get("/activities/visits/").content.decode()
    assert "东区客户" in body and "西区客户" not in body
    assert client.get(f"/activities/visits/{east.pk}/").status_code == 200
    assert client.get(f"/activities/visits/{west.pk}/").status_code == 404


def test_manager_picks_one_rep_or_the_whole_team(org, client_for):
    make_plan(org.rep_a, make_customer(org.rep_a, name="甲的客户"))
    make_plan(org.rep_a2, make_customer(org.rep_a2, name="乙的客户"))
    client = client_for(org.manager_east)
    team = client.get("/activities/visits/?view=day").content.decode()
    assert "甲的客户" in team and "乙的客户" in team
    one = client.get(f"/activities/visits/?view=day&owner={org.rep_a2.pk}").content.decode()
    assert "乙的客户" in one and "甲的客户" not in one


def test_rep_picking_another_rep_sees_nothing_of_theirs(org, client_for):
    make_plan(org.rep_a2, make_customer(org.rep_a2, name="乙的客户"))
    body = client_for(org.rep_a).get(f"/activities/visits/?owner={org.rep_a2.pk}").content.decode()
    assert "乙的客户" not in body


def test_week_view_lists_the_seven_days_and_day_view_one(org, client_for):
    monday = TODAY() - datetime.timedelta(days=TODAY().weekday())
    next_week = monday + datetime.timedelta(days=7)
    make_plan(org.rep_a, make_customer(org.rep_a, name="下周拜访"), on=next_week + datetime.timedelta(days=2))
    client = client_for(org.rep_a)
    body = client.get(f"/activities/visits/?view=week&day={next_week:%Y-%m-%d}").content.decode()
    assert body.count('class="visit-day"') == 7 and "下周拜访" in body
    assert "下周拜访" not in client.get("/activities/visits/?view=week").content.decode()
    body = client.get(f"/activities/visits/?view=day&day={next_week:%Y-%m-%d}").content.decode()
    assert body.count('class="visit-day"') == 1 and "下周拜访" not in body


def test_finance_sees_no_field_work(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a, name="财务看不到"))
    client = client_for(org.finance)
    assert "财务看不到" not in client.get("/activities/visits/").content.decode()
    assert "财务看不到" not in client.get("/activities/today/").content.decode()
    assert client.get(f"/activities/visits/{plan.pk}/").status_code == 404
    assert client.get("/activities/visits/new/").status_code == 403
    menu = client.get("/").content.decode()
    assert "/activities/today/" not in menu and "/activities/visits/" not in menu


def test_menu_offers_today_and_visit_plans_to_sales_roles(org, client_for):
    body = client_for(org.rep_a).get("/").content.decode()
    assert body.index('href="/activities/today/"') < body.index('href="/activities/visits/"')


def test_rep_plans_a_visit_through_the_pages(org, client_for):
    customer = make_customer(org.rep_a, name="华南电子")
    contact = Contact.objects.create(customer=customer, name="陈工")
    client = client_for(org.rep_a)
    picked = client.get("/activities/visits/new/?q=华南").content.decode()
    assert f"?customer={customer.pk}" in picked
    assert client.get(f"/activities/visits/new/?customer={customer.pk}").status_code == 200
    response = client.post(f"/activities/visits/new/?customer={customer.pk}", {
        "planned_on": TODAY().isoformat(), "planned_time": "14:30", "objective": "技术交流",
        "commitment_sought": "同意试用", "contacts": [contact.pk]})
    plan = VisitPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.owner == org.rep_a and plan.planned_time == datetime.time(14, 30)
    assert list(plan.contacts.all()) == [contact]


def test_plan_form_names_the_past_day_field(org, client_for):
    customer = make_customer(org.rep_a)
    response = client_for(org.rep_a).post(f"/activities/visits/new/?customer={customer.pk}", {
        "planned_on": (TODAY() - datetime.timedelta(days=2)).isoformat(), "objective": "补拜访"})
    assert response.status_code == 400
    assert "planned_on" in response.context["form"].errors
    assert not VisitPlan.objects.exists()


def test_manager_plans_for_a_rep_of_the_team(org, client_for):
    customer = make_customer(org.rep_a)
    client = client_for(org.manager_east)
    response = client.post(f"/activities/visits/new/?customer={customer.pk}", {
        "planned_on": TODAY().isoformat(), "objective": "陪访", "owner": org.rep_a.pk})
    assert response.status_code == 302
    assert VisitPlan.objects.get().owner == org.rep_a


def test_edit_with_a_stale_version_is_refused_with_409(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = client_for(org.rep_a)
    services.update_plan(plan, actor=org.rep_a, data={"objective": "别人先改"}, version=1)
    response = client.post(f"/activities/visits/{plan.pk}/edit/", {
        "planned_on": TODAY().isoformat(), "objective": "我的修改", "version": 1})
    assert response.status_code == 409
    assert VisitPlan.objects.get(pk=plan.pk).objective == "别人先改"


def test_check_in_with_and_without_location(org, client_for):
    client = client_for(org.rep_a)
    with_location = make_plan(org.rep_a, make_customer(org.rep_a))
    response = client.post(f"/activities/visits/{with_location.pk}/check-in/", {
        "version": 1, "latitude": "31.230416", "longitude": "121.473701", "accuracy": "20",
        "next": "/activities/today/"})
    assert response.status_code == 302 and response.url == "/activities/today/"
    stored = VisitPlan.objects.get(pk=with_location.pk)
    assert stored.status == VisitPlan.Status.CHECKED_IN and stored.location_accuracy == 20
    without = make_plan(org.rep_a, make_customer(org.rep_a))
    client.post(f"/activities/visits/{without.pk}/check-in/", {"version": 1, "latitude": "", "longitude": ""})
    stored = VisitPlan.objects.get(pk=without.pk)
    assert stored.status == VisitPlan.Status.CHECKED_IN and stored.latitude is None


def test_second_check_in_shows_a_clear_message(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = client_for(org.rep_a)
    client.post(f"/activities/visits/{plan.pk}/check-in/", {"version": 1})
    response = client.post(f"/activities/visits/{plan.pk}/check-in/", {}, follow=True)
    assert "已经签到" in response.content.decode()


def test_record_visit_page_records_and_plans_the_next_visit(org, client_for):
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer, objective="方案演示")
    client = client_for(org.rep_a)
    page = client.get(f"/activities/visits/{plan.pk}/record/").content.decode()
    assert "签到不是必需的" in page or "not required" in page
    next_day = TODAY() + datetime.timedelta(days=5)
    response = client.post(f"/activities/visits/{plan.pk}/record/", {
        "version": plan.version, "outcome": "客户认可", "commitment_obtained": "yes", "next_step": "商务谈判",
        "next_contact_on": next_day.isoformat(), "next_kind": "visit"})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.visit_plan_id == plan.pk and activity.commitment_obtained is True
    following = VisitPlan.objects.exclude(pk=plan.pk).get()
    assert following.planned_on == next_day and following.objective == "商务谈判"
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "客户认可" in detail and following.get_absolute_url() in detail
    again = client.post(f"/activities/visits/{plan.pk}/record/", {
        "version": VisitPlan.objects.get(pk=plan.pk).version, "outcome": "再记一次", "next_kind": "visit"})
    assert again.status_code == 400 and Activity.objects.count() == 1


def test_record_visit_page_can_create_a_task_instead(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client_for(org.rep_a).post(f"/activities/visits/{plan.pk}/record/", {
        "version": plan.version, "outcome": "需要报价", "commitment_obtained": "no", "next_step": "发报价",
        "next_contact_on": (TODAY() + datetime.timedelta(days=2)).isoformat(), "next_kind": "task"})
    assert Task.objects.get().title == "发报价"
    assert Activity.objects.get().commitment_obtained is False


def test_record_form_names_the_next_step_field(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    response = client_for(org.rep_a).post(f"/activities/visits/{plan.pk}/record/", {
        "version": plan.version, "outcome": "x", "next_contact_on": TODAY().isoformat(), "next_kind": "visit"})
    assert response.status_code == 400 and "next_step" in response.context["form"].errors


def test_cancel_needs_a_reason_and_shows_it(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = client_for(org.rep_a)
    client.post(f"/activities/visits/{plan.pk}/cancel/", {"version": 1, "reason": ""})
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED
    client.post(f"/activities/visits/{plan.pk}/cancel/", {"version": 1, "reason": "客户改期"})
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.CANCELLED
    assert "客户改期" in client.get(plan.get_absolute_url()).content.decode()


def test_other_rep_of_the_team_sees_nothing_and_cannot_act(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a))
    client = client_for(org.rep_a2)  # same team, scope "own"
    assert client.post(f"/activities/visits/{plan.pk}/check-in/", {"version": 1}).status_code == 404


def test_customer_page_shows_upcoming_and_recent_plans(org, client_for):
    customer = make_customer(org.rep_a)
    make_plan(org.rep_a, customer, on=TODAY() + datetime.timedelta(days=2), objective="下次拜访")
    done = make_plan(org.rep_a, customer, on=TODAY() - datetime.timedelta(days=3), objective="上次拜访")
    done.status = VisitPlan.Status.DONE
    done.save()
    body = client_for(org.rep_a).get(customer.get_absolute_url()).content.decode()
    section = body[body.index('data-testid="visit-plans-section"'):]
    upcoming = section[section.index('data-testid="upcoming-plans"'):section.index('data-testid="recent-plans"')]
    assert "下次拜访" in upcoming and "上次拜访" in section[section.index('data-testid="recent-plans"'):]


def test_customer_page_of_finance_has_no_visit_section(org, client_for):
    customer = make_customer(org.rep_a)
    make_plan(org.rep_a, customer, objective="财务不应看到")
    body = client_for(org.finance).get(customer.get_absolute_url()).content.decode()
    assert "visit-plans-section" not in body and "财务不应看到" not in body


@pytest.mark.parametrize("path", ["/activities/today/", "/activities/visits/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response.url


def test_edit_of_a_recorded_plan_goes_back_to_it_unchanged(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a), objective="原目的")
    services.record_visit(plan, actor=org.rep_a, data={"outcome": "完成"})
    client = client_for(org.rep_a)
    response = client.post(f"/activities/visits/{plan.pk}/edit/", {
        "planned_on": TODAY().isoformat(), "objective": "事后修改", "version": 2})
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert VisitPlan.objects.get(pk=plan.pk).objective == "原目的"


def test_future_plan_detail_offers_no_check_in_and_a_forced_post_is_refused(org, client_for):
    plan = make_plan(org.rep_a, make_customer(org.rep_a), on=TODAY() + datetime.timedelta(days=1))
    client = client_for(org.rep_a)
    page = client.get(f"/activities/visits/{plan.pk}/").content.decode()
    assert 'data-testid="check-in"' not in page and 'data-testid="check-in-refusal"' in page
    assert 'data-testid="record"' in page  # recording without a check-in stays possible
    response = client.post(f"/activities/visits/{plan.pk}/check-in/", {"version": 1}, follow=True)
    assert "请先将计划日期改为今天" in response.content.decode()
    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.PLANNED


def test_todays_and_overdue_plan_details_offer_check_in(org, client_for):
    client = client_for(org.rep_a)
    for day in (TODAY(), TODAY() - datetime.timedelta(days=2)):
        plan = make_plan(org.rep_a, make_customer(org.rep_a), on=day)
        page = client.get(f"/activities/visits/{plan.pk}/").content.decode()
        assert 'data-testid="check-in"' in page and 'data-testid="check-in-refusal"' not in page
        client.post(f"/activities/visits/{plan.pk}/check-in/", {"version": 1})
        assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.CHECKED_IN
