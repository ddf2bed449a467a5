"""Browser test for issue 8's Content-Security-Policy: the pages with scripts run under it without a violation."""

import pytest

from e2e.conftest import login
from salesflow.pipeline import services
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_scripted_pages_run_under_the_csp_without_violations(new_page, org):
    services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="CSP", amount=1000)
    page = login(new_page(), org.rep_a.username)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/analytics/funnel/")
    page.wait_for_selector("#funnel-chart .main-svg")  # Plotly drew the chart from the static funnel.js
    page.goto("/opportunities/kanban/")
    page.wait_for_selector(".kanban-card")
    assert violations == []
