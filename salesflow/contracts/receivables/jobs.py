"""Overdue reminders: the worker tells each owner about their overdue instalments, once per instalment per day."""

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
    """Notify the owners of instalments past due with money outstanding; returns how many reminders were sent.
    A ``(instalment, day)`` row (unique) makes a second run on the same day — here or on another host — a no-op."""
    today = today or timezone.localdate()
    due = (Instalment.objects.filter(agreement__status__in=(Agreement.Status.ACTIVE, Agreement.Status.COMPLETED),
                                     due_on__lt=today, collected_amount__lt=F("amount"))
           .exclude(reminders__sent_on=today)
           .select_related("agreement__owner").order_by("due_on", "id")[:BATCH])
    sent = 0
    for instalment in due:
        agreement = instalment.agreement
        try:
            with transaction.atomic():
                InstalmentReminder.objects.create(instalment=instalment, sent_on=today)
                text = _("Overdue: %(number)s instalment %(n)s, %(amount)s was due on %(due)s (%(days)s days ago).") % {
                    "number": agreement.number, "n": instalment.sequence,
                    "amount": format_money(instalment.outstanding_amount), "due": instalment.due_on.isoformat(),
                    "days": (today - instalment.due_on).days}
                notify(recipient=agreement.owner, text=text, kind="overdue-instalment",
                       url=reverse("contracts:agreement-money", args=[agreement.pk]))
                audit.record(instalment, "remind", note=f"overdue since {instalment.due_on}")
        except IntegrityError:  # another worker reminded it a moment ago
            continue
        sent += 1
    return sent


@scheduled_jobs.register("overdue-instalments", "remind owners of overdue instalments (once per instalment per day)",
                         order=3600)
def overdue_instalments_job(now) -> str:
    return f"sent {remind_overdue(timezone.localdate(now))} overdue reminders"
