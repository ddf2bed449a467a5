"""The generated demo data: coherent with the rules (claim limit, pool rules, stage durations) and real-looking.

The data is generated once for the module (scale 2000, the demo's size) inside a transaction that is rolled back
at the end; each test runs in a savepoint of its own, so the flows below do not see each other's writes.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from salesflow.core.models import AuditEntry, Notification
from salesflow.core.worker import run_due_jobs
from salesflow.customers.models import Customer, OwnershipChange, PoolSettings
from salesflow.customers.services import assign_customer, claim_customer, return_overdue_customers
from salesflow.insights.analyses.leadsources import source_efficiency
from salesflow.leads.models import Lead
from salesflow.leads.services import convert_lead
from salesflow.org.models import User
from salesflow.pipeline.analytics.stalled import stalled_queryset
from salesflow.pipeline.forecasting import adjust_forecast
from salesflow.pipeline.models import (
    ForecastSubmission,
    Opportunity,
    OpportunityChange,
    OpportunityLine,
    Pipeline,
    StageChange,
)
from salesflow.pipeline.services import win_opportunity

SCALE = 2000


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            call_command("generate", scale=SCALE, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def demo_db(demo, db):
    return None


def test_company_names_have_no_numeric_suffix(demo_db):
    names = list(Customer.objects.values_list("name", flat=True)) + list(Lead.objects.values_list("company", flat=True))
    assert len(names) == SCALE + SCALE // 2
    assert [n for n in names if re.search(r"\d", n)] == []
    assert len(set(names)) == len(names)


def test_leads_have_real_looking_contact_names(demo_db):
    contacts = list(Lead.objects.values_list("contact_name", flat=True))
    assert all(2 <= len(name) <= 3 and not re.search(r"\d|联系人", name) for name in contacts)
    assert len(set(contacts)) > len(contacts) / 4


def test_no_generated_date_is_in_the_future(demo_db):
    now = timezone.now()
    latest = [
        *Customer.objects.aggregate(Max("created_at"), Max("last_contact_at"), Max("last_deal_at"),
                                    Max("pool_entered_at")).values(),
        *Lead.objects.aggregate(Max("created_at"), Max("last_activity_at")).values(),
        *Opportunity.objects.aggregate(Max("created_at"), Max("stage_entered_at"), Max("closed_at")).values(),
        StageChange.objects.aggregate(m=Max("changed_at"))["m"],
        OpportunityChange.objects.aggregate(m=Max("changed_at"))["m"],
        OwnershipChange.objects.aggregate(m=Max("at"))["m"],
    ]
    assert all(moment is not None and moment <= now for moment in latest)
    assert not Opportunity.objects.exclude(status__in=["tracking", "suspended"]).filter(
        expected_close_date__gt=timezone.localdate()).exists()


def test_demo_leads_are_converted_through_the_service_dated_back(demo_db):
    """What only ``convert_lead`` does: the lead's contact added to the customer it is linked to; the conversion
    dated between the lead's creation and now (so the lead-source analysis sees later wins); no audit rows (the
    generation suppresses them)."""
    now = timezone.now()
    converted = list(Lead.objects.filter(status="converted").select_related("converted_contact"))
    assert len(converted) > 20
    for lead in converted:
        assert lead.converted_contact.customer_id == lead.converted_customer_id
        assert (lead.converted_contact.name, lead.converted_contact.phone) == (lead.contact_name, lead.phone)
        assert lead.converted_opportunity_id is None
        assert lead.created_at <= lead.converted_at <= now
    assert not AuditEntry.objects.filter(content_type__model__in=["lead", "contact"]).exists()
    today = timezone.localdate()
    rows = source_efficiency(Lead.objects.all(), today - datetime.timedelta(days=400), today,
                             with_costs=False)["rows"]
    assert sum(row["converted"] for row in rows) == len(converted)
    assert sum(row["won_customers"] for row in rows) > 0


def test_opportunities_start_after_their_customer_was_created(demo_db):
    assert not Opportunity.objects.filter(created_at__lt=F("customer__created_at")).exists()


def test_every_won_deal_has_a_history_row_for_each_stage(demo_db):
    stages = Pipeline.default().stages.count()
    won = Opportunity.objects.filter(status="won")
    assert won.count() > SCALE / 10
    short = won.annotate(reached=Count("stage_changes__to_stage", distinct=True)).exclude(reached=stages)
    assert short.count() == 0


def test_customers_last_deal_is_their_latest_won_deal(demo_db):
    latest = dict(Opportunity.objects.filter(status="won").values_list("customer_id").annotate(m=Max("closed_at")))
    recorded = dict(Customer.objects.filter(last_deal_at__isnull=False).values_list("id", "last_deal_at"))
    assert recorded == latest


def test_only_a_small_share_of_open_deals_is_stalled(demo_db):
    open_deals = Opportunity.objects.filter(status="tracking")
    stalled = stalled_queryset(Opportunity.objects.all(), Pipeline.default()).count()
    assert open_deals.count() > SCALE / 5
    assert 0.03 <= stalled / open_deals.count() <= 0.25


def test_deals_have_lines_and_close_date_history(demo_db):
    with_lines = Opportunity.objects.filter(lines__isnull=False).distinct()
    assert with_lines.count() > SCALE / 2
    totals = with_lines.annotate(total=Sum("lines__amount")).exclude(total=F("amount"))
    assert totals.count() == 0
    pushes = OpportunityChange.objects.filter(field="expected_close_date")
    assert pushes.count() > SCALE / 10
    assert Opportunity.objects.aggregate(n=Sum("close_date_pushes"))["n"] == pushes.count()


def test_every_rep_owns_comfortably_fewer_customers_than_the_claim_limit(demo_db):
    limit = PoolSettings.current().max_customers_per_rep
    owned = dict(Customer.objects.filter(owner__isnull=False).values_list("owner__username").annotate(n=Count("id")))
    assert len(owned) == User.objects.filter(role="rep").count()
    assert max(owned.values()) < limit * 0.8
    assert 0.5 * limit <= owned["rep"] <= 0.7 * limit
    assert Customer.objects.filter(owner__isnull=True).count() > SCALE / 4  # the pool has customers to claim


def test_first_pool_return_run_returns_under_two_percent_of_owned_customers(demo_db):
    owned = Customer.objects.filter(owner__isnull=False).count()
    result = return_overdue_customers(timezone.now())
    returned, warned = (int(n) for n in re.findall(r"\d+", result))
    assert 0 < returned < 0.02 * owned
    assert warned < 0.06 * owned
    assert Customer.objects.filter(owner__isnull=False).count() == owned - returned


def test_first_worker_run_on_fresh_demo_data_sends_only_a_few_notifications(demo_db):
    owned = Customer.objects.filter(owner__isnull=False).count()
    open_leads = Lead.objects.open().filter(owner__isnull=False).count()
    results = run_due_jobs(force=True)
    assert not [r for r in results.values() if r.startswith("failed")]
    assert OwnershipChange.objects.filter(action="auto_return", at__gte=timezone.now() - datetime.timedelta(
        minutes=5)).count() < 0.02 * owned
    assert 0 < Notification.objects.count() < 0.08 * (owned + open_leads)


def test_demo_rep_can_claim_convert_and_win_at_once(demo_db):
    rep = User.objects.get(username="rep")
    claimed = claim_customer(actor=rep, customer=Customer.objects.filter(owner__isnull=True).first())
    assert claimed.owner == rep

    lead = Lead.objects.filter(owner=rep, status="qualified").first()
    converted = convert_lead(actor=rep, lead=lead)
    assert converted.status == "converted" and converted.converted_customer.owner == rep

    final = Pipeline.default().stages.order_by("-order").first()
    ready = [o for o in Opportunity.objects.filter(owner=rep, status="tracking", stage=final)
             if not o.missing_key_actions()]
    assert ready
    won = win_opportunity(actor=rep, opportunity=ready[0])
    assert won.status == "won"
    assert Opportunity.objects.filter(owner=rep, status="tracking").values("stage").distinct().count() >= 4


def test_demo_manager_can_assign_to_a_rep_and_adjust_their_forecast(demo_db):
    manager = User.objects.get(username="manager")
    rep = User.objects.get(username="rep")
    assert rep.team_id == manager.team_id
    customer = assign_customer(actor=manager, customer=Customer.objects.filter(owner__isnull=True).first(),
                               owner=rep)
    assert customer.owner == rep
    call = ForecastSubmission.objects.filter(owner=rep).first()
    assert call is not None and call.best_case >= call.commit
    adjustment = adjust_forecast(actor=manager, submission=call, commit=call.commit, best_case=call.best_case + 1,
                                 reason="演示调整")
    assert adjustment.pk


def test_open_deals_close_mostly_in_the_future(demo_db):
    open_deals = Opportunity.objects.filter(status="tracking")
    past = open_deals.filter(expected_close_date__lt=timezone.localdate()).count()
    assert past < 0.06 * open_deals.count()
    assert open_deals.filter(Q(expected_close_date__gt=timezone.localdate() + datetime.timedelta(days=30))).exists()


def test_lines_use_the_product_catalogue(demo_db):
    assert OpportunityLine.objects.values("product").distinct().count() >= 10


def test_demo_signed_plan_is_split_by_product_series_this_quarter_and_signed_off_by_one_manager(demo_db):
    from salesflow.core.periods import period_of
    from salesflow.performance.models import Target, TargetPlan
    from salesflow.performance.targets import dimensions, signoff
    from salesflow.performance.targets.services import cells
    from salesflow.performance.targets.tree import OrgTree

    plan = TargetPlan.objects.get(year=timezone.localdate().year, measure__key="signed_amount", status="approved")
    assert plan.dimension_kind == "series"
    quarter = period_of("quarter", timezone.localdate()).label
    manager = User.objects.get(username="manager")
    team = f"team:{manager.team_id}"
    split = Target.objects.filter(plan=plan, period=quarter).exclude(dimension="")
    assert split.filter(node=team).count() == len(dimensions.values("series")) >= 3
    assert split.filter(user__team_id=manager.team_id).values("user").distinct().count() >= 2
    rows = dimensions.completion_by_value(plan, team, quarter)
    assert sum(r["target"] for r in rows) == cells(plan)[(team, quarter)].amount > 0
    assert any(r["actual"] > 0 for r in rows)  # this quarter's signed lines have series
    states = signoff.statuses(plan, OrgTree.load(), cells(plan))
    assert states[team].current and states[team].signed_by == str(manager)
    assert any(not s.signed_by for node, s in states.items() if node != team)  # the director sees a missing part
