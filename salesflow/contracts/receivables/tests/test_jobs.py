import datetime

from salesflow.contracts.models import Agreement, InstalmentReminder
from salesflow.contracts.receivables import services
from salesflow.contracts.receivables.jobs import remind_overdue
from salesflow.core.models import AuditEntry, Notification
from salesflow.core.worker import run_job

from .factories import make_agreement

TODAY = datetime.date(2026, 6, 30)


def test_overdue_reminder_once_per_instalment_per_day_in_one_message_per_owner(org):
    overdue = make_agreement(org.rep_a, amount="1000", plan=[(TODAY - datetime.timedelta(days=3), "400"),
                                                            (TODAY - datetime.timedelta(days=1), "600")])
    make_agreement(org.rep_b, amount="500", plan=[(TODAY, "500")])  # due today: not overdue yet
    paid = make_agreement(org.rep_b, amount="300", plan=[(TODAY - datetime.timedelta(days=9), "300")])
    services.record_payment(paid, amount="300", received_on=TODAY, actor=org.finance)
    make_agreement(org.rep_b, amount="200", plan=[(TODAY - datetime.timedelta(days=9), "200")],
                   status=Agreement.Status.TERMINATED)
    assert remind_overdue(TODAY) == 2
    assert remind_overdue(TODAY) == 0  # the same day again: nothing new
    notes = list(Notification.objects.values_list("recipient__username", "kind"))
    assert notes == [("rep_a", "overdue-instalment")]  # two instalments, one message
    digest = Notification.objects.get()
    assert overdue.number in digest.text and "1,000.00" in digest.text and digest.url == "/contracts/receivables/"
    # the next day: once more each, and the instalment due today has become overdue too (rep_b's only one: a
    # message about that instalment, linking to its agreement)
    assert remind_overdue(TODAY + datetime.timedelta(days=1)) == 3
    assert InstalmentReminder.objects.count() == 5
    single = Notification.objects.filter(recipient=org.rep_b).get()
    assert "500.00" in single.text and single.url.endswith("/money/")


def test_overdue_job_is_audited_as_the_system(org):
    make_agreement(org.rep_a, amount="100", plan=[(datetime.date(2020, 1, 1), "100")])
    assert "sent 1" in run_job("overdue-instalments")
    entry = AuditEntry.objects.get(action="remind")
    assert entry.actor is None and entry.note.startswith("system")
