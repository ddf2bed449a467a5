"""Schemathesis against a live test server: every operation, as a rep and as an admin, all checks.

Runs on whichever database the suite runs on (SQLite in ``--only sqlite``, PostgreSQL in ``--only postgres``).
A 5xx or a response the schema does not describe fails the test. The number of examples per operation is
``SALESFLOW_SCHEMATHESIS_EXAMPLES`` (default 12); the cases sent are recorded in the JUnit report as the
``schemathesis_cases`` test-suite property, which ``salesflow.testing.run`` prints in its summary.
"""

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from salesflow.api import api
from salesflow.org.models import ApiToken, Role
from salesflow.testing import factories

EXAMPLES = int(os.environ.get("SALESFLOW_SCHEMATHESIS_EXAMPLES", "12"))

# The trailing slash: without it ninja joins nested routers' paths to the prefix without one ("/api/v1contracts/").
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))


CASES = {"sent": 0}


@pytest.fixture(scope="module", autouse=True)
def count_cases(record_testsuite_property):
    yield
    record_testsuite_property("schemathesis_cases", CASES["sent"])


@pytest.fixture
def api_world(django_db_serialized_rollback, transactional_db):
    """A little of everything, so that ids in paths sometimes hit real records.

    The live server needs committed rows (a transactional test); the serialized rollback puts back the seeded
    pipeline, sources and pool rules that the flush removes, for this test and the ones after it.
    """
    from salesflow.leads import services as lead_services
    from salesflow.pipeline import services as pipeline_services

    team = factories.make_team("HQ")
    admin = factories.make_user("st_admin", role=Role.ADMIN, team=team)
    rep = factories.make_user("st_rep", role=Role.REP, team=team)
    for owner in (rep, admin, None):
        customer = factories.make_customer(owner)
        if owner is not None:
            pipeline_services.open_opportunity(actor=owner, customer=customer, subject="机会")
            lead_services.create_lead(actor=owner, owner=owner, company="线索公司", phone="13800138000")
    return {
        "rep": ApiToken.issue(user=rep, name="schemathesis")[1],
        "admin": ApiToken.issue(user=admin, name="schemathesis")[1],
    }


def schema_valid_input_is_not_called_invalid(ctx, response, case):
    """Schemathesis' positive_data_acceptance, except that a business rule may refuse well-formed input.

    The schema promises the shape of what is accepted; whether customer 17 exists or a lead has a phone number is
    a rule it cannot express. So a 422 for schema-valid input is a failure only when the server calls the input
    malformed (``"code": "invalid"``): then the schema promised more than the server accepts.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = response.json()
    assert body.get("code") == "rule", f"schema-valid input refused as invalid: {body}"
    return None


@pytest.mark.parametrize("role", ["rep", "admin"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_its_schema_says(case, role, live_server, api_world):
    with requests.Session() as session:
        case.call_and_validate(base_url=live_server.url, session=session,
                               headers={"Authorization": f"Bearer {api_world[role]}"},
                               excluded_checks=[positive_data_acceptance],
                               additional_checks=[schema_valid_input_is_not_called_invalid])
    CASES["sent"] += 1


def test_every_api_schema_class_has_its_own_name():
    """The OpenAPI components are keyed by class name: two schemas with one name make one of them describe the
    other's operations (leads' StatusIn was once documented with an agreement's fields)."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(Schema) if c.__module__.startswith("salesflow.")}
    names: dict[str, set] = {}
    for cls in ours:
        names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: mods for name, mods in names.items() if len(mods) > 1} == {}
