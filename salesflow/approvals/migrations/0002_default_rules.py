"""The default approval rules: agreements from 100,000 need the team manager, from 1,000,000 the manager and then
a director; an agreement over the customer's credit limit needs a director; a discount needs the manager."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    ("agreement", "合同/订单 ≥ 10万", Decimal("100000"), "", ["manager"]),
    ("agreement", "合同/订单 ≥ 100万", Decimal("1000000"), "", ["manager", "director"]),
    ("agreement", "超信用额度", Decimal("0"), "credit", ["director"]),
    ("discount", "折扣", Decimal("0"), "", ["manager"]),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("approvals", "ApprovalRule")
    Step = apps.get_model("approvals", "ApprovalRuleStep")
    if Rule.objects.exists():
        return
    for kind, name, min_amount, flag, roles in DEFAULTS:
        rule = Rule.objects.create(kind=kind, name=name, min_amount=min_amount, flag=flag)
        for position, role in enumerate(roles, start=1):
            Step.objects.create(rule=rule, position=position, role=role)


def unseed(apps, schema_editor):
    apps.get_model("approvals", "ApprovalRule").objects.filter(name__in=[d[1] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
