"""Defaults of a product that faces the internet (issue 8): CSP, no-store for signed-in answers, HTTPS settings
from the environment, ``check --deploy`` clean with the documented production variables."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError

from salesflow.testing.factories import make_customer

ROOT = Path(__file__).resolve().parents[3]


def test_pages_carry_a_csp_that_allows_no_inline_script(org, client_for):
    response = client_for(org.rep_a).get("/customers/")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_the_login_page_and_the_api_carry_the_csp_too(client):
    assert "Content-Security-Policy" in client.get("/accounts/login/").headers
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json").headers


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for template in (ROOT / "salesflow").rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: {tag}")
        offenders += [f"{template}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []


def test_signed_in_pages_and_exports_are_not_stored(org, client_for):
    make_customer(org.rep_a, name="甲")
    client = client_for(org.rep_a)
    for url in ("/customers/", "/customers/?export=csv", "/api/v1/customers/"):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, url


def test_a_token_answer_is_not_stored(org, client):
    from salesflow.org.models import ApiToken

    _token, raw = ApiToken.issue(user=org.rep_a, name="cli")
    response = client.get("/api/v1/org/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]


def test_an_anonymous_answer_is_not_marked_no_store(db, client):
    response = client.get("/healthz")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_constraint_violation_in_a_web_view_names_the_field_not_the_constraint(org, rf):
    """Last resort for the web: a real IntegrityError becomes a 409 page in the user's language."""
    from django.db import transaction
    from django.utils import translation

    from salesflow.core.middleware import StaleEditMiddleware
    from salesflow.customers.models import Customer

    customer = make_customer(org.rep_a, name="甲")
    try:
        with transaction.atomic():
            Customer.objects.filter(pk=customer.pk).update(credit_limit=-1)
    except IntegrityError as exc:
        violation = exc
    request = rf.post(f"/customers/{customer.pk}/edit/")
    request.user = org.rep_a
    with translation.override("zh-hans"):
        response = StaleEditMiddleware(lambda r: None).process_exception(request, violation)
    assert response.status_code == 409
    body = response.content.decode()
    assert "customer_credit_limit_not_negative" not in body
    assert "信用额度" in body


def documented_production_environment() -> dict:
    """The variables docs/deployment.md sets in its production block, so the test and the document agree."""
    doc = (ROOT / "docs" / "deployment.md").read_text()
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```", doc, re.S).group(1)
    env = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("export "):
            for pair in line[len("export "):].split():
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESFLOW_", "DATABASE_URL", "DJANGO_"))}
    documented = documented_production_environment()
    assert {"SALESFLOW_SSL_REDIRECT", "SALESFLOW_HSTS_SECONDS", "SALESFLOW_SECURE_COOKIES"} <= set(documented)
    env.update(documented)
    env["SALESFLOW_SECRET_KEY"] = "x7!" + "k" * 20 + "q9#Lm2$vT8pZ4wR6yB1nC5" * 2  # the doc's is a placeholder
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/deploy.sqlite3"
    env["SALESFLOW_VAR_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_default_off_for_a_laptop():
    assert settings.SECURE_SSL_REDIRECT is False and settings.SECURE_HSTS_SECONDS == 0
