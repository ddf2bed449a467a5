"""The pre-filled figures equal the same figures counted straight from the rows (rows inside and outside the period
and of other owners are made on purpose)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesflow.activities.models import Activity, Task, VisitPlan
from salesflow.activities.reports.figures import figures_by_owner, period_figures
from salesflow.activities.tests.factories import make_activity, make_plan, make_task
from salesflow.contracts.models import Agreement, Payment, Quotation
from salesflow.contracts.receivables import services as money
from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.contracts.tests.quotation_factories import make_opportunity, make_quotation
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead
from salesflow.pipeline.models import Opportunity, StageChange
from salesflow.testing.factories import make_customer

START, END = datetime.date(2026, 11, 16), datetime.date(2026, 11, 22)  # an ISO week, Mon–Sun


def at(day: datetime.date, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


# Moments just inside and just outside the week (local time), and well inside it.
INSIDE = [at(START, 0, 0), at(datetime.date(2026, 11, 18)), at(END, 23, 59)]
OUTSIDE = [at(START - datetime.timedelta(days=1), 23, 59), at(END + datetime.timedelta(days=1), 0, 0)]


def in_period(moment) -> bool:
    if moment is None:
        return False
    day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
    return START <= day <= END


def build(org):
    """Rows of rep_a, rep_a2 and rep_b, in and out of the week."""
    for rep in (org.rep_a, org.rep_a2, org.rep_b):
        customers = [make_customer(rep) for _ in range(3)]
        for i, moment in enumerate(INSIDE + OUTSIDE):
            kind = [Activity.Kind.VISIT, Activity.Kind.CALL, Activity.Kind.WECHAT, Activity.Kind.VISIT,
                    Activity.Kind.EMAIL][i]
            make_activity(rep, customers[i % 2], kind=kind, at=moment)
        Customer.objects.filter(pk=customers[0].pk).update(created_at=INSIDE[1])
        Customer.objects.filter(pk=customers[1].pk).update(created_at=OUTSIDE[0])
        Customer.objects.filter(pk=customers[2].pk).update(created_at=INSIDE[2])
        make_plan(rep, customers[0], on=START)
        make_plan(rep, customers[1], on=END, status=VisitPlan.Status.DONE)
        make_plan(rep, customers[1], on=END, status=VisitPlan.Status.CANCELLED)
        make_plan(rep, customers[2], on=END + datetime.timedelta(days=1))
        for moment in (INSIDE[0], OUTSIDE[1]):
            lead = Lead.objects.create(company=f"{rep.username}线索公司", owner=rep, team=rep.team)
            Lead.objects.filter(pk=lead.pk).update(created_at=moment)
        # Opportunities: created in / out; won in the week, won before it; lost in it.
        opps = [make_opportunity(rep) for _ in range(4)]
        Opportunity.objects.filter(pk=opps[0].pk).update(created_at=INSIDE[1])
        Opportunity.objects.filter(pk=opps[1].pk).update(created_at=OUTSIDE[0], status=Opportunity.Status.WON,
                                                         closed_at=INSIDE[2], amount=Decimal("12345.67"))
        Opportunity.objects.filter(pk=opps[2].pk).update(created_at=OUTSIDE[0], status=Opportunity.Status.WON,
                                                         closed_at=OUTSIDE[0], amount=Decimal("999.00"))
        Opportunity.objects.filter(pk=opps[3].pk).update(created_at=OUTSIDE[1], status=Opportunity.Status.LOST,
                                                         closed_at=INSIDE[0], amount=Decimal("500.00"))
        stages = list(opps[0].pipeline.stages.order_by("order"))
        StageChange.objects.create(opportunity=opps[0], from_stage=stages[0], to_stage=stages[1],
                                   from_status="tracking", to_status="tracking", changed_at=INSIDE[1])
        StageChange.objects.create(opportunity=opps[0], from_stage=stages[1], to_stage=stages[2],
                                   from_status="tracking", to_status="tracking", changed_at=INSIDE[2])
        StageChange.objects.create(opportunity=opps[2], from_stage=stages[0], to_stage=stages[1],
                                   from_status="tracking", to_status="tracking", changed_at=OUTSIDE[0])
        StageChange.objects.create(opportunity=opps[1], from_stage=stages[1], to_stage=stages[1],
                                   from_status="tracking", to_status="won", changed_at=INSIDE[2])
        # Quotations: one sent in the week, one sent after, one draft.
        sent, later, _draft = (make_quotation(rep, opportunity=opps[0]) for _ in range(3))
        Quotation.objects.filter(pk=sent.pk).update(status=Quotation.Status.SENT, sent_at=INSIDE[1])
        Quotation.objects.filter(pk=later.pk).update(status=Quotation.Status.ACCEPTED, sent_at=OUTSIDE[1])
        # Agreements: active + completed in the week, a draft in it, an active one before it.
        signed = make_agreement(rep, amount="20000.00", signed_on=START)
        make_agreement(rep, amount="3000.00", signed_on=END, status=Agreement.Status.COMPLETED)
        make_agreement(rep, amount="7000.00", signed_on=END, status=Agreement.Status.DRAFT)
        old = make_agreement(rep, amount="5000.00", signed_on=START - datetime.timedelta(days=1))
        # Payments: received in the week, one reversed in it, one before it.
        money.record_payment(signed, amount=Decimal("8000.00"), received_on=START, actor=None)
        reversed_one = money.record_payment(signed, amount=Decimal("1000.00"), received_on=END, actor=None)
        money.reverse_payment(reversed_one, reason="录错金额", actor=None)
        Payment.objects.filter(reversal_of=reversed_one).update(received_on=END)
        money.record_payment(old, amount=Decimal("400.00"), received_on=START - datetime.timedelta(days=1),
                             actor=None)
        # Tasks: done in / out; open and overdue at the end; done after the end (overdue then); due after the end.
        make_task(rep, due=INSIDE[0], status=Task.Status.DONE, done_at=INSIDE[1])
        make_task(rep, due=OUTSIDE[0], status=Task.Status.DONE, done_at=OUTSIDE[0])
        make_task(rep, due=INSIDE[1])
        make_task(rep, due=INSIDE[1], status=Task.Status.DONE, done_at=OUTSIDE[1])
        make_task(rep, due=OUTSIDE[1] + datetime.timedelta(days=2))
        make_task(rep, due=INSIDE[1], status=Task.Status.CANCELLED)


def counted(owner_ids) -> dict:
    """Every figure counted in Python from all the rows."""
    acts = [a for a in Activity.objects.all() if a.owner_id in owner_ids and in_period(a.occurred_at)]
    opps = [o for o in Opportunity.objects.all() if o.owner_id in owner_ids]
    won = [o for o in opps if o.status == "won" and in_period(o.closed_at)]
    end_moment = at(END + datetime.timedelta(days=1), 0, 0)
    tasks = [t for t in Task.objects.all() if t.owner_id in owner_ids]
    agreements = [a for a in Agreement.objects.all() if a.owner_id in owner_ids and in_period(a.signed_on)
                  and a.status in ("active", "completed")]
    return {
        "visits_done": sum(1 for a in acts if a.kind == "visit"),
        "followups": sum(1 for a in acts if a.kind != "visit"),
        "customers_touched": len({a.customer_id for a in acts}),
        "visits_planned": sum(1 for p in VisitPlan.objects.all() if p.owner_id in owner_ids
                              and in_period(p.planned_on) and p.status != "cancelled"),
        "new_customers": sum(1 for c in Customer.objects.all() if c.owner_id in owner_ids and in_period(c.created_at)),
        "new_leads": sum(1 for c in Lead.objects.all() if c.owner_id in owner_ids and in_period(c.created_at)),
        "opportunities_created": sum(1 for o in opps if in_period(o.created_at)),
        "opportunities_moved": len({c.opportunity_id for c in StageChange.objects.all()
                                    if c.opportunity.owner_id in owner_ids and in_period(c.changed_at)
                                    and c.from_stage_id and c.from_stage_id != c.to_stage_id}),
        "won": len(won),
        "won_amount": str(sum((o.amount for o in won), Decimal("0.00"))),
        "lost": sum(1 for o in opps if o.status == "lost" and in_period(o.closed_at)),
        "quotations_sent": sum(1 for q in Quotation.objects.all() if q.owner_id in owner_ids
                               and in_period(q.sent_at)),
        "agreements_signed": len(agreements),
        "agreements_amount": str(sum((a.amount for a in agreements), Decimal("0.00"))),
        "collected": str(sum((p.amount for p in Payment.objects.select_related("agreement")
                              if p.agreement.owner_id in owner_ids and in_period(p.received_on)),
                             Decimal("0.00"))),
        "tasks_done": sum(1 for t in tasks if t.status == "done" and in_period(t.done_at)),
        "tasks_overdue": sum(1 for t in tasks if t.due_at < end_moment and (
            t.status == "open" or (t.status == "done" and t.done_at >= end_moment))),
    }


def test_every_figure_equals_the_same_figure_counted_from_the_rows(org):
    build(org)
    for owner_ids in ([org.rep_a.pk], [org.rep_a.pk, org.rep_a2.pk], [org.rep_b.pk]):
        figures = period_figures(owner_ids=owner_ids, start=START, end=END)
        expected = counted(set(owner_ids))
        assert {key: figures[key] for key in expected} == expected
    one = period_figures(owner_ids=[org.rep_a.pk], start=START, end=END)
    # The rows were built so that every figure is non-zero: each comparison above could fail.
    assert all(one[key] not in (0, "0.00") for key in counted({org.rep_a.pk})), one
    assert one["followups_by_kind"] == {"call": 1, "meeting": 0, "email": 0, "wechat": 1, "note": 0}
    assert one["collected"] == "8000.00"  # 8000 + 1000 − 1000 (reversed); the 400 before the week is not counted


def test_team_figures_per_person_add_up_to_the_team_and_take_as_many_queries(org):
    build(org)
    ids = [org.rep_a.pk, org.rep_a2.pk, org.rep_b.pk]
    with CaptureQueriesContext(connection) as together:
        team = period_figures(owner_ids=ids, start=START, end=END)
    with CaptureQueriesContext(connection) as apart:
        per_person = figures_by_owner(owner_ids=ids, start=START, end=END)
    assert len(together) == len(apart) == 10
    assert per_person[org.rep_a.pk] == period_figures(owner_ids=[org.rep_a.pk], start=START, end=END)
    assert team["visits_done"] == sum(f["visits_done"] for f in per_person.values())
    assert Decimal(team["collected"]) == sum(Decimal(f["collected"]) for f in per_person.values())


def test_a_running_period_counts_tasks_overdue_now_not_at_its_end(org):
    now = timezone.now()
    make_task(org.rep_a, due=now - datetime.timedelta(hours=1))
    make_task(org.rep_a, due=now + datetime.timedelta(hours=1))
    today = timezone.localdate()
    assert period_figures(owner_ids=[org.rep_a.pk], start=today, end=today)["tasks_overdue"] == 1
