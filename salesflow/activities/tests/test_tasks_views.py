import datetime

import pytest
from django.utils import timezone

from salesflow.activities.models import Activity, Task
from salesflow.activities.tests.factories import make_activity, make_plan, make_task
from salesflow.core.registry import navigation, tiles_for
from salesflow.testing.factories import make_customer


def test_rep_lists_own_tasks_due_today_by_default_and_marks_one_done(org, client_for):
    mine = make_task(org.rep_a, title="今天回电", due=timezone.now() + datetime.timedelta(minutes=5))
    make_task(org.rep_a2, title="别人的任务", due=timezone.now() + datetime.timedelta(minutes=5))
    client = client_for(org.rep_a)
    page = client.get("/activities/tasks/").content.decode()
    if timezone.localtime(mine.due_at).date() == timezone.localdate():
        assert "今天回电" in page
    assert "别人的任务" not in page
    response = client.post(f"/activities/tasks/{mine.pk}/done/", {"version": mine.version,
                                                                  "next": "/activities/tasks/?tab=done"})
    assert response.status_code == 302 and response["Location"] == "/activities/tasks/?tab=done"
    assert Task.objects.get(pk=mine.pk).status == Task.Status.DONE
    assert "今天回电" in client.get("/activities/tasks/?tab=done").content.decode()


def test_manager_picks_a_rep_or_the_whole_team_but_never_outside_the_subtree(org, client_for):
    make_task(org.rep_a, title="甲的逾期任务", due=timezone.now() - datetime.timedelta(days=1))
    make_task(org.rep_b, title="西区的逾期任务", due=timezone.now() - datetime.timedelta(days=1))
    client = client_for(org.manager_east)
    team = client.get("/activities/tasks/?tab=overdue&owner=team").content.decode()
    assert "甲的逾期任务" in team and "西区的逾期任务" not in team
    assert "甲的逾期任务" in client.get(f"/activities/tasks/?tab=overdue&owner={org.rep_a.pk}").content.decode()
    # someone outside the subtree falls back to the manager's own tasks
    assert "西区的逾期任务" not in client.get(f"/activities/tasks/?tab=overdue&owner={org.rep_b.pk}").content.decode()


def test_rep_cannot_open_another_reps_task_on_any_route(org, client_for):
    theirs = make_task(org.rep_a2)
    for client in (client_for(org.rep_a), client_for(org.manager_west), client_for(org.finance)):
        assert client.get(f"/activities/tasks/{theirs.pk}/").status_code == 404
        assert client.get(f"/activities/tasks/{theirs.pk}/edit/").status_code == 404
        for action in ("done", "reopen", "cancel"):
            assert client.post(f"/activities/tasks/{theirs.pk}/{action}/", {}).status_code == 404
    assert Task.objects.get(pk=theirs.pk).status == Task.Status.OPEN
    assert client_for(org.manager_east).get(f"/activities/tasks/{theirs.pk}/").status_code == 200


def test_finance_has_no_task_pages_menu_or_tiles(org, client_for):
    make_task(org.rep_a, due=timezone.now() - datetime.timedelta(days=1))
    client = client_for(org.finance)
    assert client.get("/activities/tasks/new/").status_code == 403
    assert "activities:task-list" not in [i["name"] for i in navigation.items_for(org.finance)]
    assert "activities:calendar" not in [i["name"] for i in navigation.items_for(org.finance)]
    assert not {"tasks-today", "tasks-overdue"} & {t.name for t in tiles_for(org.finance)}
    assert "暂无" in client.get("/activities/tasks/?tab=overdue&owner=team").content.decode() or \
        "No tasks" in client.get("/activities/tasks/?tab=overdue&owner=team").content.decode()


def test_menu_orders_tasks_then_calendar_for_sales_roles(org):
    names = [i["name"] for i in navigation.items_for(org.rep_a)]
    assert names.index("activities:task-list") + 1 == names.index("activities:calendar")
    entries = {e.url_name: e.order for e in navigation.all()}
    assert (entries["activities:task-list"], entries["activities:calendar"]) == (7, 8)


def test_home_tiles_count_the_visible_open_tasks_due_today_and_overdue(org):
    make_task(org.rep_a, due=timezone.now() - datetime.timedelta(days=1))
    make_task(org.rep_a2, due=timezone.now() - datetime.timedelta(hours=1))
    make_task(org.rep_a2, due=timezone.now() - datetime.timedelta(hours=1), status=Task.Status.DONE,
              done_at=timezone.now())
    make_task(org.rep_b, due=timezone.now() - datetime.timedelta(days=1))
    rep_tiles = {t.name: t for t in tiles_for(org.rep_a)}
    manager_tiles = {t.name: t for t in tiles_for(org.manager_east)}
    assert rep_tiles["tasks-overdue"].value == 1 and rep_tiles["tasks-overdue"].danger
    assert manager_tiles["tasks-overdue"].value == 2
    assert "owner=team" in manager_tiles["tasks-overdue"].url
    assert rep_tiles["tasks-today"].value == 0


def test_create_prefilled_from_a_customer_and_edit_with_the_version(org, client_for):
    customer = make_customer(org.rep_a, name="华东电气")
    client = client_for(org.rep_a)
    form = client.get(f"/activities/tasks/new/?customer={customer.pk}").content.decode()
    assert "华东电气" in form
    response = client.post("/activities/tasks/new/", {
        "title": "寄送样品", "owner": org.rep_a.pk, "priority": 3, "due_date": "2030-01-02", "due_time": "09:30",
        "customer": customer.pk, "notes": ""})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/activities/tasks/{task.pk}/"
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") == "2030-01-02 09:30"
    assert task.customer == customer
    edit = {"title": "寄送样品和报价", "owner": org.rep_a.pk, "priority": 2, "due_date": "2030-01-03", "due_time": "",
            "customer": customer.pk, "notes": "", "version": task.version}
    assert client.post(f"/activities/tasks/{task.pk}/edit/", edit).status_code == 302
    task.refresh_from_db()
    assert task.title == "寄送样品和报价" and timezone.localtime(task.due_at).hour == 18
    stale = client.post(f"/activities/tasks/{task.pk}/edit/", edit)
    assert stale.status_code == 409


def test_a_rep_cannot_assign_to_a_colleague_from_the_form(org, client_for):
    response = client_for(org.rep_a).post("/activities/tasks/new/", {
        "title": "x", "owner": org.rep_a2.pk, "priority": 2, "due_date": "2030-01-02"})
    assert response.status_code == 400 and not Task.objects.exists()


def test_customer_360_shows_the_customers_open_tasks(org, client_for):
    customer = make_customer(org.rep_a)
    make_task(org.rep_a, title="报价跟进", customer=customer)
    make_task(org.rep_a, title="已办完", customer=customer, status=Task.Status.DONE, done_at=timezone.now())
    page = client_for(org.rep_a).get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="tasks-section"' in page and "报价跟进" in page and "已办完" not in page


def test_export_lists_the_tab_of_visible_tasks_as_csv_and_xlsx(org, client_for):
    make_task(org.rep_a, title="=HYPERLINK(1)", due=timezone.now() - datetime.timedelta(days=1))
    make_task(org.rep_a2, title="别人的", due=timezone.now() - datetime.timedelta(days=1))
    client = client_for(org.rep_a)
    csv = client.get("/activities/tasks/?tab=overdue&export=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv and "别人的" not in csv and "rep_a" in csv
    xlsx = client.get("/activities/tasks/?tab=overdue&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_calendar_views_show_plans_visits_and_tasks_of_the_chosen_rep(org, client_for, view):
    day = datetime.date(2026, 11, 18)
    customer = make_customer(org.rep_a)
    plan = make_plan(org.rep_a, customer, on=day, objective="方案演示")
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))
    visit = make_activity(org.rep_a, customer, kind=Activity.Kind.VISIT, at=at, subject="拜访记录")
    task = make_task(org.rep_a, title="寄合同", due=at)
    make_task(org.rep_b, title="西区任务", due=at)
    page = client_for(org.manager_east).get(
        f"/activities/calendar/?view={view}&date={day.isoformat()}&owner={org.rep_a.pk}").content.decode()
    for testid in (f"entry-plan-{plan.pk}", f"entry-visit-{visit.pk}", f"entry-task-{task.pk}"):
        assert testid in page
    assert f'href="/activities/tasks/{task.pk}/"' in page and "西区任务" not in page
    assert 'data-testid="day-2026-11-18"' in page


def test_a_busy_team_month_day_shows_four_entries_and_links_the_rest_to_the_day_view(org, client_for):
    day = datetime.date(2026, 11, 18)
    tasks = [make_task(org.rep_a if n % 2 else org.rep_a2, title=f"团队任务{n}",
                       due=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + n, 0))))
             for n in range(7)]
    client = client_for(org.manager_east)
    month = client.get(f"/activities/calendar/?view=month&date={day.isoformat()}&owner=team").content.decode()
    assert [f"entry-task-{t.pk}" in month for t in tasks] == [True] * 4 + [False] * 3
    assert 'data-testid="more-2026-11-18"' in month and "还有 3 条" in month
    assert "7 条" in month  # the range's count is every entry, shown or not
    whole_day = client.get(f"/activities/calendar/?view=day&date={day.isoformat()}&owner=team").content.decode()
    assert all(f"entry-task-{t.pk}" in whole_day for t in tasks) and "more-2026-11-18" not in whole_day


def test_calendar_previous_and_next_move_by_the_views_length(org, client_for):
    page = client_for(org.rep_a).get("/activities/calendar/?view=month&date=2026-01-31").content.decode()
    assert "date=2025-12-01" in page and "date=2026-02-01" in page
    page = client_for(org.rep_a).get("/activities/calendar/?view=week&date=2026-01-31").content.decode()
    assert "date=2026-01-24" in page and "date=2026-02-07" in page
    assert 'data-testid="day-2026-01-26"' in page and 'data-testid="day-2026-02-01"' in page


def test_rep_sees_only_own_calendar_and_finance_sees_nothing(org, client_for):
    at = timezone.now()
    theirs = make_task(org.rep_a2, title="同事的任务", due=at)
    for user in (org.rep_a, org.finance, org.manager_west):
        page = client_for(user).get(f"/activities/calendar/?view=week&owner={org.rep_a2.pk}").content.decode()
        assert f"entry-task-{theirs.pk}" not in page
    page = client_for(org.manager_east).get("/activities/calendar/?view=week&owner=team").content.decode()
    assert f"entry-task-{theirs.pk}" in page
