import io
import json

import pytest
from django.core.management import CommandError, call_command

from salesflow.cli import usage
from salesflow.org.models import ApiToken, Role, Team, User, hash_token


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_createuser_is_non_interactive_and_validates_role(db):
    Team.objects.create(name="华东销售1部")
    output = run("createuser", "zhangsan", "--role", "manager", "--password", "pw-123456789", "--team", "华东销售1部")
    user = User.objects.get(username="zhangsan")
    assert user.role == Role.MANAGER and user.scope == "team" and user.team.name == "华东销售1部"
    assert "zhangsan" in output
    with pytest.raises(CommandError):
        run("createuser", "lisi", "--role", "rep", "--password", "pw-123456789", "--team", "不存在")


def test_token_create_prints_the_token_on_its_last_line(db):
    run("createuser", "wangwu", "--role", "rep", "--password", "pw-123456789")
    raw = run("token", "create", "wangwu").strip().splitlines()[-1]
    assert ApiToken.objects.get(token_hash=hash_token(raw)).user.username == "wangwu"


def test_generate_builds_an_organisation_and_customers(db):
    from salesflow.customers.models import Customer

    run("generate", "--scale", "300")
    assert User.objects.filter(role=Role.REP).count() == 6
    assert Customer.objects.count() == 300
    assert Customer.objects.filter(owner__isnull=True).exists()  # some are in the pool
    rep = User.objects.get(username="rep")
    assert rep.check_password("salesflow-demo")


def test_report_json_prints_json_on_stdout(db):
    run("generate", "--scale", "50")
    data = json.loads(run("report", "headcount", "--json"))
    total_reps = sum(row["users"] for row in data["rows"] if row["role"] == "rep")
    assert total_reps == User.objects.filter(role="rep").count()


def test_help_lists_the_product_commands():
    text = usage()
    for command in ("demo", "serve", "migrate", "createuser", "token", "generate", "import", "report", "worker"):
        assert f"  {command}" in text


def test_demo_without_serving_prepares_data_once_and_prints_logins(db):
    first = run("demo", "--no-serve", "--scale", "60")
    assert "http://127.0.0.1:8000/" in first and "salesflow-demo" in first
    users = User.objects.count()
    run("demo", "--no-serve", "--scale", "60")
    assert User.objects.count() == users  # a second run does not load the demo twice
