"""Reminders (提醒): a scheduled job that tells people about today's open tasks, their overdue open tasks and
today's open visit plans — in the in-app notification centre, and by e-mail when SMTP is configured.

* Once: every reminder is a ``Reminder`` row under a unique key (``task:42:today:2026-11-23``,
  ``task:42:overdue:2026-11-23`` — the due date is in the key, so a task moved to another day is reminded again —
  and ``plan:7:today:2026-11-23``). The row is inserted with ``get_or_create``: of two workers racing, the insert of
  the second fails on the unique key and it sends nothing.
* One message per person per run when a person has many: up to ``SEPARATE_LIMIT`` reminders become one notification
  each (linked to the record); more become one digest notification. The e-mail is always one digest per person and
  run.
* The e-mail is sent by a queued task (``core.worker.enqueue``) after the person's transaction commits, never inside
  it; a failure is logged, kept by django-q as a failed task and retried (``Q_CLUSTER["max_attempts"]``).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salesflow.core.notifications import notify
from salesflow.core.registry import scheduled_jobs
from salesflow.core.worker import enqueue
from salesflow.org.models import User

from ..models import Reminder, Task, VisitPlan

log = logging.getLogger("salesflow.reminders")

SEPARATE_LIMIT = 3  # a person with more reminders in one run gets one digest notification
OVERDUE_LOOKBACK = datetime.timedelta(days=30)  # older overdue tasks were reminded when they fell due
MAIL_FUNC = "salesflow.activities.tasks.jobs.send_reminder_mail"


@dataclass(frozen=True)
class Due:
    key: str
    recipient_id: int
    text: str
    url: str


def _hm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def due_reminders(now) -> list[Due]:
    """Every reminder due at ``now`` (sent or not): three queries, bounded to today and the overdue window."""
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    task_url = reverse("activities:task-detail", args=[0]).rsplit("/0/", 1)
    found = []
    open_tasks = Task.objects.open().filter(owner__is_active=True).only("id", "title", "due_at", "owner_id")
    for task in open_tasks.filter(due_at__gte=max(now, start), due_at__lt=end):
        found.append(Due(f"task:{task.pk}:today:{today.isoformat()}", task.owner_id,
                         _("Task due today at %(time)s: %(title)s") % {"time": _hm(task.due_at), "title": task.title},
                         f"{task_url[0]}/{task.pk}/{task_url[1]}"))
    for task in open_tasks.filter(due_at__gte=now - OVERDUE_LOOKBACK, due_at__lt=now):
        due_day = timezone.localtime(task.due_at).date().isoformat()
        found.append(Due(f"task:{task.pk}:overdue:{due_day}", task.owner_id,
                         _("Task overdue (due %(due)s): %(title)s") % {
                             "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"), "title": task.title},
                         f"{task_url[0]}/{task.pk}/{task_url[1]}"))
    plans = (VisitPlan.objects.open().on(today).filter(owner__is_active=True).select_related("customer")
             .only("id", "planned_time", "objective", "owner_id", "customer__name"))
    for plan in plans:
        when = plan.planned_time.strftime("%H:%M") + " " if plan.planned_time else ""
        found.append(Due(f"plan:{plan.pk}:today:{today.isoformat()}", plan.owner_id,
                         _("Visit today: %(when)s%(customer)s · %(objective)s") % {
                             "when": when, "customer": plan.customer.name, "objective": plan.objective},
                         _plan_url(plan.pk)))
    return found


def _plan_url(pk) -> str:
    try:
        return reverse("activities:visit-detail", args=[pk])
    except NoReverseMatch:  # the visit pages are another concept's; until they exist, link the calendar
        return reverse("activities:calendar") + "?view=day"


def _unsent(reminders: list[Due]) -> list[Due]:
    keys = [r.key for r in reminders]
    sent = set()
    for offset in range(0, len(keys), 500):
        sent.update(Reminder.objects.filter(key__in=keys[offset:offset + 500]).values_list("key", flat=True))
    return [r for r in reminders if r.key not in sent]


@transaction.atomic
def remind_person(person: User, reminders: list[Due], now) -> int:
    """Claim each reminder's key and tell ``person`` about the ones claimed here; returns how many."""
    won = []
    for reminder in reminders:
        _row, created = Reminder.objects.get_or_create(key=reminder.key,
                                                       defaults={"recipient": person, "sent_at": now})
        if created:
            won.append(reminder)
    if not won:
        return 0
    if len(won) <= SEPARATE_LIMIT:
        for reminder in won:
            notify(recipient=person, text=reminder.text, url=reminder.url, kind="reminder")
    else:
        shown = "; ".join(r.text for r in won[:SEPARATE_LIMIT])
        notify(recipient=person, kind="reminder", url=reverse("activities:task-list"),
               text=_("%(n)d reminders: %(items)s …") % {"n": len(won), "items": shown})
    if settings.EMAIL_HOST and person.email:
        subject = _("SalesFlow reminders: %(n)d") % {"n": len(won)}
        body = "\n".join(f"- {r.text}" for r in won)
        enqueue(MAIL_FUNC, person.email, subject, body)
    return len(won)


@scheduled_jobs.register("task-reminders", "remind people of today's and overdue tasks and today's visits, once",
                         order=900)
def send_reminders(now) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        pending = _unsent(due_reminders(now))
        by_person: dict[int, list[Due]] = {}
        for reminder in pending:
            by_person.setdefault(reminder.recipient_id, []).append(reminder)
        people = User.objects.in_bulk(list(by_person))
        sent = sum(remind_person(people[pk], items, now) for pk, items in by_person.items() if pk in people)
    return f"{sent} reminders to {len(by_person)} people"


def send_reminder_mail(address: str, subject: str, body: str) -> str:
    """The queued task that e-mails one person's digest. A failure is logged and raised, so django-q records the
    task as failed and retries it."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception:
        log.exception("reminder e-mail to %s failed", address)
        raise
    return f"sent to {address}"
