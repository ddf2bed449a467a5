"""Messages to WeCom / DingTalk / Feishu robots and e-mail: each platform's format and signature, checked by a real
local HTTP server; after commit; retried with backoff while the receiver is down; kept when failed; resent by hand."""

import datetime
import socket

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from salesflow.core.worker import run_once
from salesflow.insights.delivery import services
from salesflow.insights.models import Channel, Delivery
from salesflow.testing.api_client import ApiClient
from salesflow.testing.queries import assert_pinned
from salesflow.testing.robots import robot_server
from salesflow.testing.smtp import smtp_sink

DING_SECRET = "SEC0123456789abcdef"
FEISHU_SECRET = "fs-secret-42"


def _channel(kind, url, secret="", name=None):
    return Channel.objects.create(name=name or kind, kind=kind, url=url, secret=secret)


def _closed_port_url() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/wecom/send"


def test_each_robot_gets_its_documented_format_and_a_valid_signature_after_commit(
        db, django_capture_on_commit_callbacks):
    with robot_server(dingtalk=DING_SECRET, feishu=FEISHU_SECRET) as (base, robots):
        channels = [_channel("wecom", f"{base}/wecom/send?key=abc"),
                    _channel("dingtalk", f"{base}/dingtalk/robot/send?access_token=t1", DING_SECRET),
                    _channel("feishu", f"{base}/feishu/open-apis/bot/v2/hook/h1", FEISHU_SECRET)]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            for channel in channels:
                services.queue_message(channel=channel, subject="红灯预警：华东一组",
                                       text="本月进度 **42%**，落后 20 个点")
            assert robots.received == []  # nothing leaves before the commit
        assert len(callbacks) == 3
        run_once(schedules=False)
    by_robot = {r.robot: r for r in robots.received}
    assert set(by_robot) == {"wecom", "dingtalk", "feishu"} and len(robots.received) == 3
    assert by_robot["wecom"].body == {"msgtype": "markdown", "markdown": {
        "content": "### 红灯预警：华东一组\n\n本月进度 **42%**，落后 20 个点"}}
    assert by_robot["wecom"].query == {"key": "abc"}
    ding = by_robot["dingtalk"]
    assert ding.body["msgtype"] == "markdown" and ding.body["markdown"]["title"] == "红灯预警：华东一组"
    assert ding.query["access_token"] == "t1" and ding.signature_ok is True
    feishu = by_robot["feishu"]
    assert feishu.body["msg_type"] == "text" and feishu.body["content"]["text"].startswith("红灯预警：华东一组\n")
    assert feishu.signature_ok is True
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.filter(attempts=1, sent_at__isnull=False).count() == 3


def test_a_wrong_secret_fails_with_the_robots_own_error_and_is_retried_later(db):
    with robot_server(dingtalk=DING_SECRET, feishu=FEISHU_SECRET) as (base, robots):
        ding = services.queue_message(channel=_channel("dingtalk", f"{base}/dingtalk/send", "wrong"), subject="s",
                                      text="t")
        feishu = services.queue_message(channel=_channel("feishu", f"{base}/feishu/hook", "wrong"), subject="s",
                                        text="t")
        now = timezone.now()
        assert services.send_delivery(ding.pk, now) == "pending"
        assert services.send_delivery(feishu.pk, now) == "pending"
    ding.refresh_from_db()
    feishu.refresh_from_db()
    assert [r.signature_ok for r in robots.received] == [False, False]
    assert ding.last_error == "310000: sign not match" and ding.attempts == 1
    assert feishu.last_error.startswith("19021") and feishu.next_attempt_at == now + datetime.timedelta(minutes=1)


def test_a_receiver_that_is_down_loses_nothing_and_gets_the_message_once_it_is_back(db):
    with robot_server() as (base, robots):
        robots.fail_next = [500, 503]
        delivery = services.queue_message(channel=_channel("wecom", f"{base}/wecom/send"), subject="s", text="t")
        start = timezone.now()
        assert services.send_delivery(delivery.pk, start) == "pending"
        assert services.send_due(start + datetime.timedelta(seconds=30)) == {}  # backing off: not due yet
        assert services.send_due(start + datetime.timedelta(minutes=1)) == {"pending": 1}
        delivery.refresh_from_db()
        assert delivery.last_error == "HTTP 503 Service Unavailable"
        assert delivery.next_attempt_at == start + datetime.timedelta(minutes=3)  # 1 minute, then 2
        assert services.send_due(start + datetime.timedelta(minutes=3)) == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(robots.received) == 3


def test_a_message_is_not_sent_twice_when_the_queue_and_the_job_both_try(db):
    with robot_server() as (base, robots):
        delivery = services.queue_message(channel=_channel("wecom", f"{base}/wecom/send"), subject="s", text="t")
        assert services.send_delivery(delivery.pk) == "sent"
        assert services.send_delivery(delivery.pk) == "not due"
        assert services.send_due() == {}
    assert len(robots.received) == 1


def test_after_the_last_retry_it_is_kept_as_failed_and_only_an_admin_sends_it_again(org, client_for):
    channel = _channel("wecom", _closed_port_url())
    delivery = services.queue_message(channel=channel, subject="逾期应收提醒", text="t")
    moment = timezone.now()
    for _try in range(Delivery.MAX_ATTEMPTS):
        services.send_delivery(delivery.pk, moment)
        delivery.refresh_from_db()
        moment = delivery.next_attempt_at
    assert (delivery.status, delivery.attempts) == ("failed", Delivery.MAX_ATTEMPTS)
    assert "refused" in delivery.last_error.lower()
    with pytest.raises(PermissionDenied):
        services.retry_delivery(delivery, actor=org.manager_east)
    assert client_for(org.manager_east).post(f"/insights/settings/deliveries/{delivery.pk}/retry/").status_code == 403
    page = client_for(org.admin).get("/insights/settings/deliveries/?status=failed").content.decode()
    assert "逾期应收提醒" in page and "发送失败" in page and "重新发送" in page
    with robot_server() as (base, robots):
        Channel.objects.filter(pk=channel.pk).update(url=f"{base}/wecom/send")
        response = client_for(org.admin).post(f"/insights/settings/deliveries/{delivery.pk}/retry/")
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 0)
        assert services.send_due() == {"sent": 1}
    assert len(robots.received) == 1


def test_an_email_channel_sends_through_smtp(db, settings):
    channel = Channel.objects.create(name="管理层邮件", kind="email", recipients="boss@example.com, cfo@example.com")
    with smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_TIMEOUT = "", "", 5
        delivery = services.queue_message(channel=channel, subject="月度销售报告", text="见附件")
        assert services.send_delivery(delivery.pk) == "sent"
    assert len(sink.messages) == 1
    assert sink.messages[0]["Subject"] == "月度销售报告" and "cfo@example.com" in sink.messages[0]["To"]


def test_only_the_admin_manages_channels_and_the_secret_is_never_shown(org, client_for):
    rep = client_for(org.rep_a)
    assert rep.get("/insights/settings/channels/").status_code == 403
    assert rep.get("/insights/settings/deliveries/").status_code == 403
    admin = client_for(org.admin)
    missing = admin.post("/insights/settings/channels/new/", {"name": "钉钉群", "kind": "dingtalk", "url": ""})
    assert missing.status_code == 400 and "Webhook" in missing.content.decode()
    no_mail = admin.post("/insights/settings/channels/new/", {"name": "邮件", "kind": "email", "recipients": "x@"})
    assert no_mail.status_code == 400 and "x@" in no_mail.content.decode()
    created = admin.post("/insights/settings/channels/new/", {
        "name": "钉钉群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
        "secret": DING_SECRET, "active": "on"})
    assert created.status_code == 302
    channel = Channel.objects.get(name="钉钉群")
    assert channel.secret == DING_SECRET
    for url in (f"/insights/settings/channels/{channel.pk}/", f"/insights/settings/channels/{channel.pk}/edit/",
                "/insights/settings/channels/", "/audit/"):
        assert DING_SECRET not in admin.get(url).content.decode()
    admin.post(f"/insights/settings/channels/{channel.pk}/edit/", {
        "name": "钉钉群", "kind": "dingtalk", "url": channel.url, "secret": "", "active": "on",
        "version": channel.version})
    assert Channel.objects.get(pk=channel.pk).secret == DING_SECRET  # empty keeps the secret


def test_send_a_test_message_from_the_channel_page(org, client_for, django_capture_on_commit_callbacks):
    with robot_server() as (base, robots):
        channel = _channel("wecom", f"{base}/wecom/send")
        with django_capture_on_commit_callbacks(execute=True):
            assert client_for(org.admin).post(f"/insights/settings/channels/{channel.pk}/test/").status_code == 302
        run_once(schedules=False)
    assert len(robots.received) == 1 and Delivery.objects.get().source == "test"


def test_the_delivery_log_runs_a_fixed_number_of_queries(org, client_for):
    channel = _channel("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")

    def grow(n):
        for i in range(n):
            Delivery.objects.create(channel=channel, subject=f"消息{i}", text="t", status="failed", last_error="x")
    assert_pinned(client_for(org.admin), "/insights/settings/deliveries/", grow, 5)
    assert_pinned(client_for(org.admin), f"/insights/settings/channels/{channel.pk}/", grow, 5)


def test_the_api_lists_channels_without_secrets_and_resends_failed_deliveries(org):
    channel = _channel("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", DING_SECRET)
    failed = Delivery.objects.create(channel=channel, subject="s", text="t", status="failed", attempts=6,
                                     last_error="HTTP 502 Bad Gateway")
    admin = ApiClient(org.admin)
    channels = admin.get("/api/v1/insights/channels")
    assert channels.status_code == 200 and channels.json()[0]["signed"] is True
    assert DING_SECRET not in channels.content.decode()
    listed = admin.get("/api/v1/insights/deliveries?status=failed").json()
    assert listed["count"] == 1 and listed["items"][0]["last_error"] == "HTTP 502 Bad Gateway"
    bad = admin.get("/api/v1/insights/deliveries?status=lost")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    assert ApiClient(org.rep_a).get("/api/v1/insights/deliveries").status_code == 403
    assert ApiClient(org.rep_a).post(f"/api/v1/insights/deliveries/{failed.pk}/retry").status_code == 403
    resent = admin.post(f"/api/v1/insights/deliveries/{failed.pk}/retry")
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
