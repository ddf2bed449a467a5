"""Sending messages to channels: at least once, after commit, retried with backoff, failures kept and retryable.

:func:`queue_message` writes the delivery in the caller's transaction (so an alert and its message commit or vanish
together) and hands it to the task queue after commit; :func:`send_delivery` tries it once under a row lock (two
workers never send one message at the same time); the ``deliveries`` job picks up every delivery that is due again,
so a receiver that is down, or a worker that died, loses nothing."""

import time
import urllib.error
import urllib.request

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.worker import enqueue

from ..models import Channel, Delivery, SalesReport
from .formats import robot_refusal, robot_request

SEND_TIMEOUT = 10  # seconds a receiver may take to answer
DUE_BATCH = 200  # deliveries one run of the job tries


def queue_message(*, channel: Channel, subject: str, text: str, source: str = "",
                  attachment: SalesReport | None = None) -> Delivery:
    """``attachment``: a ready report whose file an e-mail carries (robots take text only: they ignore it)."""
    delivery = Delivery.objects.create(channel=channel, subject=subject[:200], text=text, source=source[:80],
                                       attachment=attachment)
    enqueue("salesflow.insights.delivery.services.send_delivery", delivery.pk)
    return delivery


def _post(channel: Channel, subject: str, text: str) -> str:
    """Send to a robot; the error ("" when accepted)."""
    request = robot_request(channel.kind, channel.url, channel.secret, subject, text, time.time())
    http = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(http, timeout=SEND_TIMEOUT) as answer:  # noqa: S310  (an admin's https URL)
            return robot_refusal(channel.kind, answer.read(65536))
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))[:500] or exc.__class__.__name__


def _mail(delivery: Delivery) -> EmailMessage:
    message = EmailMessage(delivery.subject, delivery.text, None, delivery.channel.recipient_list)
    if delivery.attachment_id:
        report = SalesReport.objects.get(pk=delivery.attachment_id)  # the file only now: never kept on the delivery
        message.attach(report.filename, bytes(report.content), report.content_type)
    return message


def _send(delivery: Delivery) -> str:
    channel = delivery.channel
    if channel.kind == Channel.Kind.EMAIL:
        try:
            _mail(delivery).send()
        except Exception as exc:  # noqa: BLE001  (any mail failure is kept on the delivery and retried)
            return f"{exc.__class__.__name__}: {exc}"[:500]
        return ""
    return _post(channel, delivery.subject, delivery.text)


def send_delivery(delivery_id: int, now=None) -> str:
    """Try one delivery if it is due and nobody else is trying it; returns its status afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True).select_related("channel")
                    .due(now).filter(pk=delivery_id).first())
        if delivery is None:
            return "not due"
        if not delivery.channel.active:
            error = _("The channel is switched off.")
        else:
            error = _send(delivery)
        delivery.attempts += 1
        if error:
            delivery.last_error = error[:500]
            if delivery.attempts >= Delivery.MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.next_attempt_at = now + delivery.backoff()
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
        return delivery.status


def send_due(now=None) -> dict:
    """The job: try every delivery whose time has come (first tries the queue missed, and retries)."""
    now = now or timezone.now()
    ids = list(Delivery.objects.due(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:DUE_BATCH])
    results = [send_delivery(pk, now) for pk in ids]
    return {status: results.count(status) for status in set(results)}


@transaction.atomic
def retry_delivery(delivery: Delivery, *, actor) -> Delivery:
    """An administrator sends a failed delivery again (from the first try's backoff)."""
    if not actor.is_org_admin:
        raise PermissionDenied(_("Only an administrator may resend messages."))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != Delivery.Status.FAILED:
        return delivery
    delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.PENDING, 0, timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(delivery.channel, "update", note=_("resent “%(subject)s”") % {"subject": delivery.subject},
                 actor=actor)
    enqueue("salesflow.insights.delivery.services.send_delivery", delivery.pk)
    return delivery


def send_test(channel: Channel, *, actor) -> Delivery:
    if not actor.is_org_admin:
        raise PermissionDenied(_("Only an administrator may send test messages."))
    return queue_message(channel=channel, subject=_("SalesFlow test message"),
                         text=_("This channel receives SalesFlow's alerts and reports."), source="test")
