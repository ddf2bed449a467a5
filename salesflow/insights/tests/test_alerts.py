"""Alert rules: levels at their boundaries, raise / change / clear, escalation, channel digests, the alert centre."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from salesflow.activities.models import WorkReport
from salesflow.core.models import Notification
from salesflow.insights.alerts.services import acknowledge, evaluate_rule, resolve
from salesflow.insights.models import Alert, AlertRule, Channel
from salesflow.leads.models import Lead
from salesflow.pipeline.models import Opportunity
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer
from salesflow.testing.queries import assert_pinned
from salesflow.testing.robots import robot_server

NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 10, 0))


def _rule(metric, **changes):
    rule = AlertRule.objects.get(metric=metric)
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def _deal(owner, days_in_stage, subject="停滞商机"):
    deal = open_opportunity(actor=owner, customer=make_customer(owner), subject=subject, amount=100000)
    Opportunity.objects.filter(pk=deal.pk).update(stage_entered_at=NOW - datetime.timedelta(days=days_in_stage),
                                                  expected_close_date=NOW.date() + datetime.timedelta(days=30))
    return deal


def test_a_stalled_deal_is_yellow_from_14_days_and_red_from_30(org):
    rule = _rule("stalled_opportunity")
    calm, yellow, red = _deal(org.rep_a, 13), _deal(org.rep_a, 14), _deal(org.rep_a, 30)
    result = evaluate_rule(rule, NOW)
    levels = dict(Alert.objects.values_list("key", "level"))
    assert levels == {f"opportunity:{yellow.pk}": "yellow", f"opportunity:{red.pk}": "red"}
    assert f"opportunity:{calm.pk}" not in levels and result["raised"] == 2
    assert Notification.objects.filter(recipient=org.rep_a, kind="alert").count() == 2


def test_an_alert_is_raised_once_changes_level_and_clears_by_itself(org):
    rule = _rule("stalled_opportunity")
    deal = _deal(org.rep_a, 20)
    evaluate_rule(rule, NOW)
    assert evaluate_rule(rule, NOW)["raised"] == 0  # the same finding: no second alert
    Opportunity.objects.filter(pk=deal.pk).update(stage_entered_at=NOW - datetime.timedelta(days=31))
    assert evaluate_rule(rule, NOW)["changed"] == 1
    alert = Alert.objects.get()
    assert alert.level == "red" and [e.action for e in alert.events.all()] == ["raised", "level"]
    Opportunity.objects.filter(pk=deal.pk).update(stage_entered_at=NOW)
    assert evaluate_rule(rule, NOW)["cleared"] == 1
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.events.last().action == "cleared" and alert.events.last().by is None


def test_red_that_persists_goes_to_the_manager_then_to_a_director(org):
    org.east.manager = org.manager_east
    org.east.save()
    rule = _rule("stalled_opportunity", escalate_after_days=3)
    _deal(org.rep_a, 40)
    evaluate_rule(rule, NOW)
    evaluate_rule(rule, NOW + datetime.timedelta(days=2))
    assert Alert.objects.get().escalation == 0
    evaluate_rule(rule, NOW + datetime.timedelta(days=3))
    alert = Alert.objects.get()
    assert (alert.escalation, alert.escalated_to) == (1, org.manager_east)
    assert Notification.objects.filter(recipient=org.manager_east, kind="alert").count() == 1
    assert Alert.objects.for_user(org.manager_west).count() == 0
    evaluate_rule(rule, NOW + datetime.timedelta(days=6))
    alert.refresh_from_db()
    assert (alert.escalation, alert.escalated_to) == (2, org.director)
    assert Alert.objects.for_user(org.director).filter(pk=alert.pk).exists()


def test_what_an_evaluation_raised_goes_to_the_rules_channels_as_one_signed_message(
        org, django_capture_on_commit_callbacks):
    from salesflow.core.worker import run_once

    with robot_server(dingtalk="SECabc") as (base, robots):
        channel = Channel.objects.create(name="销售群", kind="dingtalk", url=f"{base}/dingtalk/send", secret="SECabc")
        rule = _rule("stalled_opportunity")
        rule.channels.add(channel)
        _deal(org.rep_a, 15, "华东项目A")
        _deal(org.rep_b, 35, "华西项目B")
        with django_capture_on_commit_callbacks(execute=True):
            evaluate_rule(rule, NOW)
        run_once(schedules=False)
        with django_capture_on_commit_callbacks(execute=True):
            evaluate_rule(rule, NOW)  # nothing new: no message
        run_once(schedules=False)
    assert len(robots.received) == 1 and robots.received[0].signature_ok is True
    text = robots.received[0].body["markdown"]["text"]
    assert "华东项目A" in text and "华西项目B" in text and "🔴" in text and "🟡" in text


def test_rule_scope_by_team_and_role(org):
    rule = _rule("stalled_opportunity")
    rule.teams.add(org.east)
    _deal(org.rep_a, 20)
    _deal(org.rep_b, 20)
    evaluate_rule(rule, NOW)
    assert set(Alert.objects.values_list("owner", flat=True)) == {org.rep_a.pk}
    rule.teams.clear()
    _rule("stalled_opportunity", roles=["manager"])
    evaluate_rule(AlertRule.objects.get(metric="stalled_opportunity"), NOW)
    assert not Alert.objects.open().exists()


def test_overdue_receivables_leads_and_daily_reports_at_their_boundaries(org):
    lead_rule = _rule("lead_not_followed")
    fresh = Lead.objects.create(company="两天的线索", owner=org.rep_a, team=org.east1,
                                last_activity_at=NOW - datetime.timedelta(days=2, hours=23))
    old = Lead.objects.create(company="七天的线索", owner=org.rep_a, team=org.east1,
                              last_activity_at=NOW - datetime.timedelta(days=7))
    evaluate_rule(lead_rule, NOW)
    assert dict(Alert.objects.filter(rule=lead_rule).values_list("key", "level")) == {f"lead:{old.pk}": "red"}
    assert fresh.pk
    report_rule = _rule("daily_report_missing")
    for rep in (org.rep_a, org.rep_a2, org.rep_b):
        rep.date_joined = NOW - datetime.timedelta(days=30)
        rep.save()
    monday = datetime.date(2026, 11, 16)
    for offset in range(5):  # rep_a2 submitted every day of the last week; rep_a only 3 days
        day = monday + datetime.timedelta(days=offset)
        for rep in [org.rep_a2] + ([org.rep_a] if offset < 3 else []):
            WorkReport.objects.create(kind="daily", owner=rep, team=rep.team, period_start=day, period_end=day,
                                      status="submitted", due_at=NOW, submitted_at=NOW)
    evaluate_rule(report_rule, NOW)
    levels = {a.owner_id: (a.level, a.value) for a in Alert.objects.filter(rule=report_rule)}
    assert levels == {org.rep_a.pk: ("yellow", Decimal("2")), org.rep_b.pk: ("red", Decimal("5"))}


def test_the_alert_centre_shows_each_person_their_alerts_and_records_who_acted(org, client_for):
    rule = _rule("stalled_opportunity")
    _deal(org.rep_a, 20, "甲的商机")
    _deal(org.rep_b, 20, "乙的商机")
    evaluate_rule(rule, NOW)
    mine = client_for(org.rep_a).get("/insights/alerts/").content.decode()
    assert "甲的商机" in mine and "乙的商机" not in mine
    theirs = Alert.objects.get(owner=org.rep_b)
    assert client_for(org.rep_a).get(f"/insights/alerts/{theirs.pk}/").status_code == 404
    manager = client_for(org.manager_east).get("/insights/alerts/").content.decode()
    assert "甲的商机" in manager and "乙的商机" not in manager
    alert = Alert.objects.get(owner=org.rep_a)
    client_for(org.rep_a).post(f"/insights/alerts/{alert.pk}/acknowledge/", {"note": "今天跟进"})
    with pytest.raises(ValidationError):
        resolve(alert, actor=org.rep_a, note=" ")
    response = client_for(org.manager_east).post(f"/insights/alerts/{alert.pk}/resolve/", {"note": "已推进到谈判"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved"
    events = [(e.action, e.by, e.note) for e in alert.events.all()]
    assert events[1:] == [("acknowledged", org.rep_a, "今天跟进"), ("resolved", org.manager_east, "已推进到谈判")]
    with pytest.raises(ValidationError):
        acknowledge(alert, actor=org.rep_a)


def test_only_the_admin_changes_rules_and_red_must_not_be_below_yellow(org, client_for):
    rule = AlertRule.objects.get(metric="stalled_opportunity")
    assert client_for(org.manager_east).get("/insights/settings/alert-rules/").status_code == 403
    admin = client_for(org.admin)
    assert "停滞" in admin.get("/insights/settings/alert-rules/").content.decode()
    bad = admin.post(f"/insights/settings/alert-rules/{rule.pk}/", {
        "active": "on", "yellow_at": "20", "red_at": "10", "every_minutes": "60", "escalate_after_days": "3",
        "version": rule.version})
    assert bad.status_code == 400
    rule.refresh_from_db()
    assert rule.red_at == Decimal("30")


def test_the_alert_centre_runs_a_fixed_number_of_queries(org, client_for):
    rule = _rule("stalled_opportunity")

    def grow(n):
        for _i in range(n):
            _deal(org.rep_a, 20)
        evaluate_rule(rule, NOW)
    assert_pinned(client_for(org.manager_east), "/insights/alerts/", grow, 7)
