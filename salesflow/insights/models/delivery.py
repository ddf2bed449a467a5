"""Where messages go and what became of each one.

A :class:`Channel` is a group robot of WeCom (企业微信), DingTalk (钉钉) or Feishu (飞书), or a list of e-mail
addresses. A :class:`Delivery` is one message to one channel: written in the same transaction as whatever raised it,
sent after commit by the task queue, retried with backoff while the receiver fails, and kept — with its last error —
when it gives up, so nothing is lost and an administrator can send it again."""

import datetime
import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel

__all__ = ["Channel", "Delivery"]


class Channel(AuditedModel, VersionedModel):
    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")  # 企业微信群机器人
        DINGTALK = "dingtalk", _("DingTalk group robot")  # 钉钉群机器人
        FEISHU = "feishu", _("Feishu group robot")  # 飞书群机器人
        EMAIL = "email", _("E-mail")

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    # The robot's signing secret (DingTalk 加签, Feishu 签名校验): needed in clear to sign, so it is never shown back.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    recipients = models.CharField(_("e-mail recipients"), max_length=1000, blank=True,
                                  help_text=_("Addresses separated by commas."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("delivery channel")
        verbose_name_plural = _("delivery channels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="email") | ~Q(url=""), name="channel_robot_has_url"),
            models.CheckConstraint(condition=~Q(kind="email") | ~Q(recipients=""), name="channel_email_has_recipients"),
        ]

    def __str__(self):
        return self.name

    def audit_snapshot(self):
        snapshot = super().audit_snapshot()
        if snapshot.get("secret"):
            # The audit log records that it changed (a 4-hex fingerprint), never what it is.
            snapshot["secret"] = "••••" + hashlib.sha256(snapshot["secret"].encode()).hexdigest()[:4]
        return snapshot

    @property
    def recipient_list(self) -> list[str]:
        return [address.strip() for address in self.recipients.split(",") if address.strip()]


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now or timezone.now())


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 6  # then it waits for a person: 1 + 2 + 4 + 8 + 16 minutes of retries first
    FIRST_RETRY = datetime.timedelta(minutes=1)

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE,
                                related_name="deliveries")
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("message"))  # Markdown: the robots render it, e-mail sends it as plain text
    source = models.CharField(_("raised by"), max_length=80, blank=True)  # e.g. "alert:12", "test"
    # A report whose file goes with the message as an attachment (e-mail only; robots get the link in the text).
    attachment = models.ForeignKey("insights.SalesReport", verbose_name=_("attached report"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.channel} · {self.subject}"

    def backoff(self) -> datetime.timedelta:
        """Wait before the next try after ``attempts`` failures: 1, 2, 4, 8, 16 minutes."""
        return self.FIRST_RETRY * (2 ** max(self.attempts - 1, 0))
