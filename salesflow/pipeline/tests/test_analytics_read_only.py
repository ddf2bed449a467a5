"""Analytics only read: what writes (learned win rates, stalled thresholds) is a service or a job."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesflow.pipeline import services
from salesflow.pipeline.models import Pipeline, StageDurationStat
from salesflow.testing.factories import make_customer


def test_reading_stalled_deals_never_writes_even_before_the_worker_ran(org, client_for):
    customer = make_customer(org.rep_a, name="只读客户有限公司")
    services.open_opportunity(actor=org.rep_a, customer=customer, subject="只读")
    cache.clear()
    client = client_for(org.manager_east)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/analytics/stalled/")
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "django_session" not in q["sql"]]
    assert writes == []
    assert not StageDurationStat.objects.exists()


def test_stall_thresholds_are_stored_by_the_service(org):
    services.refresh_stall_thresholds(Pipeline.default())  # no history: stores nothing, removes stale rows
    assert not StageDurationStat.objects.exists()


def test_only_an_admin_applies_learned_win_rates(org):
    with pytest.raises(PermissionDenied):
        services.apply_learned_rates(actor=org.manager_east, pipeline=Pipeline.default())
    assert services.apply_learned_rates(actor=org.admin, pipeline=Pipeline.default()) == 0
