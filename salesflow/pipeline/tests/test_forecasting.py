import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from salesflow.core.periods import parse_period
from salesflow.pipeline import forecasting, services
from salesflow.pipeline.analytics.changes import pipeline_changes
from salesflow.pipeline.models import ForecastSubmission, Opportunity
from salesflow.testing.factories import make_customer

PERIOD = "2026-Q4"


def test_submissions_are_kept_and_adjustments_sit_beside_the_original(org):
    first = forecasting.submit_forecast(actor=org.rep_a, period_label=PERIOD, commit=100, best_case=200)
    second = forecasting.submit_forecast(actor=org.rep_a, period_label=PERIOD, commit=150, best_case=250)
    forecasting.submit_forecast(actor=org.rep_a2, period_label=PERIOD, commit=50, best_case=60)
    forecasting.adjust_forecast(actor=org.manager_east, submission=second, commit=120, best_case=200,
                                reason="客户预算未批")
    second.refresh_from_db()
    assert (second.commit, second.best_case) == (150, 250)  # the rep's figure is untouched
    rollup = forecasting.team_rollup(org.manager_east, PERIOD)
    assert (rollup["commit"], rollup["best_case"]) == (Decimal(170), Decimal(260))
    assert list(forecasting.history([org.rep_a.pk], PERIOD)) == [second, first]


def test_adjustment_rules(org):
    submission = forecasting.submit_forecast(actor=org.rep_b, period_label=PERIOD, commit=10, best_case=20)
    with pytest.raises(PermissionDenied):
        forecasting.adjust_forecast(actor=org.manager_east, submission=submission, commit=1, best_case=2, reason="x")
    with pytest.raises(PermissionDenied):
        forecasting.adjust_forecast(actor=org.rep_a, submission=submission, commit=1, best_case=2, reason="x")
    with pytest.raises(ValidationError):
        forecasting.adjust_forecast(actor=org.manager_west, submission=submission, commit=1, best_case=2, reason="")
    with pytest.raises(ValidationError):
        forecasting.submit_forecast(actor=org.rep_a, period_label=PERIOD, commit=30, best_case=20)
    with pytest.raises(ValueError):
        forecasting.submit_forecast(actor=org.rep_a, period_label="2026-Q9", commit=1, best_case=2)


def test_submission_page_flow(org, client_for):
    client = client_for(org.rep_a)
    client.post(f"/analytics/forecast/submissions/?period={PERIOD}", {"commit": "1,000", "best_case": "2000"})
    assert ForecastSubmission.objects.get(owner=org.rep_a).commit == 1000
    bad = client.post(f"/analytics/forecast/submissions/?period={PERIOD}", {"commit": "abc", "best_case": "1"})
    assert bad.status_code == 400 and "数字" in bad.content.decode()
    assert ForecastSubmission.objects.filter(owner=org.rep_a).count() == 1
    page = client_for(org.manager_east).get(f"/analytics/forecast/submissions/?period={PERIOD}").content.decode()
    assert "rep_a" in page and ("1,000" in page or "1000" in page)
    assert "rep_b" not in page.split("<main", 1)[1]


def test_pipeline_changes_since_a_date(org):
    period = parse_period(timezone.localdate().strftime("%Y"))
    since = timezone.now() - datetime.timedelta(minutes=1)
    inside = period.end - datetime.timedelta(days=1)
    outside = period.end + datetime.timedelta(days=40)
    a = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="a", amount=100,
                                  expected_close_date=outside)
    b = services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="b", amount=100,
                                  expected_close_date=inside)
    services.update_opportunity(actor=org.rep_a, opportunity=a, version=a.version, expected_close_date=inside)
    b = services.update_opportunity(actor=org.rep_a, opportunity=b, version=b.version, amount=Decimal(300))
    services.win_opportunity(actor=org.rep_a, opportunity=b)
    result = pipeline_changes(Opportunity.objects.visible_to(org.rep_a), period, since)
    assert result["moved_in"] == [a.pk]
    assert result["amount_up"] == [b.pk]
    assert result["won"] == [b.pk]
    assert sorted(result["new"]) == sorted([a.pk, b.pk])
    assert pipeline_changes(Opportunity.objects.visible_to(org.rep_b), period, since)["won"] == []
