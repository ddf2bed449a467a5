"""Overdue reminders: the worker tells each owner about their overdue instalments once a day, in one message."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.contracts.models import Agreement, Instalment, InstalmentReminder
from salesflow.core import audit
from salesflow.core.money import format_money
from salesflow.core.notifications import notify
from salesflow.core.registry import scheduled_jobs

BATCH = 5000


def remind_overdue(today=None) -> int:
    """Tell each owner about their instalments past due with money outstanding: one notification per owner per
    day (a digest, not one per instalment), naming the oldest; returns how many instalments were reminded.
    A ``(instalment, day)`` row (unique) makes a second run on the same day — here or on another host — a no-op."""
    today = today or timezone.localdate()
    due = (Instalment.objects.filter(agreement__status__in=(Agreement.Status.ACTIVE, Agreement.Status.COMPLETED),
                                     due_on__lt=today, collected_amount__lt=F("amount"))
           .exclude(reminders__sent_on=today)
           .select_related("agreement__owner").order_by("due_on", "id")[:BATCH])
    by_owner = defaultdict(list)
    for instalment in due:
        by_owner[instalment.agreement.owner].append(instalment)
    sent = 0
    for owner, instalments in by_owner.items():
        try:
            with transaction.atomic():
                InstalmentReminder.objects.bulk_create(
                    [InstalmentReminder(instalment=i, sent_on=today) for i in instalments])
                for instalment in instalments:
                    audit.record(instalment, "remind", note=f"overdue since {instalment.due_on}")
                notify(recipient=owner, kind="overdue-instalment", **_digest(instalments, today))
        except IntegrityError:  # another worker reminded this owner a moment ago
            continue
        sent += len(instalments)
    return sent


def _digest(instalments, today) -> dict:
    oldest = instalments[0]  # ordered by due date
    agreement = oldest.agreement
    facts = {"number": agreement.number, "n": oldest.sequence, "amount": format_money(oldest.outstanding_amount),
             "due": oldest.due_on.isoformat(), "days": (today - oldest.due_on).days}
    if len(instalments) == 1:
        return {"url": reverse("contracts:agreement-money", args=[agreement.pk]),
                "text": _("Overdue: %(number)s instalment %(n)s, %(amount)s was due on %(due)s (%(days)s days ago).")
                % facts}
    total = sum((i.outstanding_amount for i in instalments), start=0)
    return {"url": reverse("contracts:receivables"),
            "text": _("Overdue: %(count)s instalments, %(total)s outstanding; the oldest is %(number)s instalment "
                      "%(n)s, due on %(due)s (%(days)s days ago).")
            % {**facts, "count": len(instalments), "total": format_money(total)}}


@scheduled_jobs.register("overdue-instalments", "remind owners of overdue instalments (one message per owner per day)",
                         order=3600)
def overdue_instalments_job(now) -> str:
    return f"sent {remind_overdue(timezone.localdate(now))} overdue reminders"
