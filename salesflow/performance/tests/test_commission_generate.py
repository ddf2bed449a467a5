"""The demo step: three plans and last month's statements, some confirmed, one approved; 未设目标 without targets."""

import datetime
import io

import pytest
from django.utils import timezone, translation

from salesflow.core.generator import GenerateContext
from salesflow.performance.commission.generate import generate_commission
from salesflow.performance.models import CommissionPlan, CommissionStatement

from .commission_helpers import signed


@pytest.mark.django_db
def test_demo_step_makes_three_plans_and_last_months_statements_with_one_approved(org):
    signed(org.rep_b, "50000", timezone.localdate().replace(day=1) - datetime.timedelta(days=3))
    with translation.override("zh-hans"):
        generate_commission(GenerateContext(scale=10, stdout=io.StringIO()))
    assert CommissionPlan.objects.count() == 3
    statements = CommissionStatement.objects.all()
    assert statements.count() == 5  # 3 reps, 2 managers
    assert statements.filter(status="approved").count() == 1
    assert statements.filter(status="confirmed").exists() and statements.filter(status="draft").exists()
    line = CommissionStatement.objects.get(user=org.rep_b).lines.get(kind="record")
    assert line.tier_label == "未设目标"
