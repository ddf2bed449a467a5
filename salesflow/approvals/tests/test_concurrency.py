"""Real parallel connections (threads, each its own connection) deciding or submitting the same approval at once.
PostgreSQL only: SQLite's in-memory test database answers "table is locked" instead of waiting."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from salesflow.approvals import services
from salesflow.approvals.models import ApprovalRequest, ApprovalStep
from salesflow.testing.parallel import run_in_parallel

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor == 'sqlite'", reason="thread race test: runs on PostgreSQL"),
]


def test_parallel_decisions_on_one_step_count_once(org, document, hooks):
    assert connection.vendor == "postgresql"
    request = services.submit(document, kind="agreement", amount=Decimal("100000"), actor=org.rep_a)
    results = run_in_parallel(lambda actor: services.decide(request, actor=actor, approve=True),
                              [(org.manager_east,), (org.admin,), (org.manager_east,), (org.admin,)])
    won = [r for r in results if isinstance(r, ApprovalRequest)]
    lost = [r for r in results if isinstance(r, services.DecisionConflict)]
    assert (len(won), len(lost)) == (1, 3), results
    assert hooks.approved == [(document.pk, won[0].steps.get().decided_by_id)]
    assert ApprovalStep.objects.filter(decision="approved").count() == 1


def test_parallel_submits_of_one_document_start_one_request(org, document):
    results = run_in_parallel(
        lambda: services.submit(document, kind="agreement", amount=Decimal("100000"), actor=org.rep_a),
        [() for _ in range(4)])
    assert sum(isinstance(r, ApprovalRequest) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 3, results
    assert ApprovalRequest.objects.count() == 1
