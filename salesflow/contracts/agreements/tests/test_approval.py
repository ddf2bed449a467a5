"""Agreements through the approvals app: the rules seeded by approvals' migration (≥100,000 → manager; ≥1,000,000
→ manager then director; over the credit limit → director)."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from salesflow.approvals import services as approvals
from salesflow.contracts.agreements import services
from salesflow.contracts.models import Agreement
from salesflow.testing.factories import make_customer

from .factories import make_agreement

pytestmark = pytest.mark.django_db
S = Agreement.Status


def test_amount_over_the_threshold_waits_for_the_manager_then_becomes_active(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("150000")), actor=org.rep_a)
    assert agreement.status == S.PENDING
    request = approvals.pending_for(agreement)
    assert request.kind == "agreement" and request.amount == Decimal("150000")
    assert [step.role for step in request.steps.all()] == ["manager"]
    approvals.decide(request, actor=org.manager_east, approve=True)
    agreement.refresh_from_db()
    assert agreement.status == S.ACTIVE


def test_a_million_needs_manager_and_director_and_a_rejection_sends_it_back_to_draft(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("1200000")), actor=org.rep_a)
    request = approvals.pending_for(agreement)
    assert [step.role for step in request.steps.all()] == ["manager", "director"]
    approvals.decide(request, actor=org.manager_east, approve=True)
    agreement.refresh_from_db()
    assert agreement.status == S.PENDING
    approvals.decide(approvals.pending_for(agreement), actor=org.director, approve=False, comment="付款条件太宽")
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT
    assert agreement.status_changes.last().note == "付款条件太宽"


def test_credit_flag_forces_the_director_even_below_the_amount_threshold(org):
    customer = make_customer(org.rep_a, credit_limit=Decimal("1000"))
    agreement = services.submit_for_approval(make_agreement(org.rep_a, customer=customer, amount=Decimal("5000")),
                                             actor=org.rep_a)
    assert agreement.credit_flagged and agreement.status == S.PENDING
    request = approvals.pending_for(agreement)
    assert request.flags == ["credit"] and [s.role for s in request.steps.all()] == ["director"]


def test_revising_an_approved_agreement_goes_back_to_approval(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("150000")), actor=org.rep_a)
    approvals.decide(approvals.pending_for(agreement), actor=org.manager_east, approve=True)
    agreement.refresh_from_db()
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal("160000")},
                                          version=agreement.version, revise=True)
    assert agreement.status == S.PENDING
    assert approvals.pending_for(agreement).amount == Decimal("160000")


def test_revising_a_pending_agreement_withdraws_the_running_approval(org):
    agreement = services.submit_for_approval(make_agreement(org.rep_a, amount=Decimal("150000")), actor=org.rep_a)
    first = approvals.pending_for(agreement)
    agreement = services.update_agreement(agreement, actor=org.rep_a, data={"amount": Decimal("90000")},
                                          version=agreement.version, revise=True)
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert agreement.status == S.ACTIVE  # 90,000 needs no approval


def test_report_contracts_counts_what_the_user_may_see(org, capsys):
    make_agreement(org.rep_a, amount=Decimal("100"))
    make_agreement(org.rep_a, amount=Decimal("50"))
    make_agreement(org.rep_b, amount=Decimal("7"))
    call_command("report", "contracts", "--json", "--user", "rep_a", "--period", "2026-11")
    mine = json.loads(capsys.readouterr().out)
    assert mine["rows"] == [{"month": "2026-11", "status": "draft", "count": 2, "amount": "150.00"}]
    call_command("report", "contracts", "--json", "--user", "director")
    everything = json.loads(capsys.readouterr().out)
    assert everything["count"] == 3
    call_command("report", "contracts", "--json", "--user", "rep_a", "--period", "2025-01")
    assert json.loads(capsys.readouterr().out)["rows"] == []
