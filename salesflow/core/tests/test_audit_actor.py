"""Every write names who made it: a person (session or API token, or a CLI command's --user), else its origin."""

import json

from django.core.management import call_command
from django.test import Client

from salesflow.core import audit
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Customer
from salesflow.org.models import ApiToken
from salesflow.pipeline.models import Opportunity
from salesflow.testing.factories import make_customer


def entries_for(obj):
    return AuditEntry.objects.filter(content_type__model=type(obj)._meta.model_name, object_id=str(obj.pk))


def test_a_write_with_an_api_token_names_the_tokens_user(org):
    customer = make_customer(org.rep_a, name="令牌客户有限公司")
    _token, raw = ApiToken.issue(user=org.rep_a, name="script")
    response = Client().post("/api/v1/opportunities/", json.dumps({"customer_id": customer.pk, "subject": "令牌商机"}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    opportunity = Opportunity.objects.get(pk=response.json()["id"])
    created = entries_for(opportunity).get(action="create")
    assert created.actor == org.rep_a


def test_a_cli_import_is_attributed_to_cli_or_to_the_user_it_acts_as(org, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("客户名称,行业\n命令行一有限公司,制造业\n", encoding="utf-8")
    call_command("import", "customers", str(path))
    first = Customer.objects.get(name="命令行一有限公司")
    entry = entries_for(first).get(action="create")
    assert entry.actor is None and entry.note == "cli"

    path.write_text("客户名称,行业\n命令行二有限公司,制造业\n", encoding="utf-8")
    call_command("import", "customers", str(path), "--user", "admin")
    second = Customer.objects.get(name="命令行二有限公司")
    assert entries_for(second).get(action="create").actor == org.admin


def test_a_scheduled_job_is_attributed_to_system(org):
    from salesflow.core.worker import run_due_jobs

    customer = make_customer(org.rep_a, name="被动回收有限公司")
    Customer.objects.filter(pk=customer.pk).update(created_at=customer.created_at.replace(year=2000))
    run_due_jobs(force=True)
    entry = entries_for(customer).filter(action="action").latest("at")
    assert entry.actor is None and entry.note.startswith("system")


def test_outside_any_request_or_command_the_origin_is_system():
    assert audit.current_actor() is None and audit.current_origin() == "system"
    with audit.acting_as(audit.CLI):
        assert audit.current_origin() == "cli"
