"""``salesflow report NAME --pipeline P``: every pipeline report computes over the chosen pipeline."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesflow.pipeline import services
from salesflow.pipeline.models import Pipeline, Stage
from salesflow.testing.factories import make_customer


@pytest.fixture
def renewals(org):
    """A second pipeline, 续约, with two tracking deals of 300 and 500; the default pipeline has one of 100."""
    pipeline = Pipeline.objects.create(name="续约", active=True)
    for order, name in enumerate(["接洽", "报价", "签约"], start=1):
        Stage.objects.create(pipeline=pipeline, name=name, order=order, win_rate=20 * order)
    close = timezone.localdate() - datetime.timedelta(days=3)  # past its date: stalled
    for amount in (300, 500):
        services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject=f"续约{amount}",
                                  amount=amount, pipeline=pipeline, expected_close_date=close)
    services.open_opportunity(actor=org.rep_a, customer=make_customer(org.rep_a), subject="新购", amount=100)
    return pipeline


def report(*args):
    out = io.StringIO()
    call_command("report", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("select", ["name", "id"])
def test_funnel_report_counts_the_pipeline_chosen_by_name_or_id(renewals, select):
    chosen = renewals.name if select == "name" else str(renewals.pk)
    body = report("funnel", "--pipeline", chosen)
    assert body["pipeline"] == "续约"
    assert sum(row["count"] for row in body["rows"]) == 2
    default = report("funnel")
    assert default["pipeline"] == Pipeline.default().name and sum(r["count"] for r in default["rows"]) == 1


def test_stalled_report_lists_only_the_chosen_pipelines_deals(renewals):
    body = report("stalled", "--pipeline", "续约")
    assert body["pipeline"] == "续约"
    assert sorted(row["subject"] for row in body["rows"]) == ["续约300", "续约500"]


@pytest.mark.parametrize("name", ["win-rates", "cycle", "forecast"])
def test_other_pipeline_reports_name_the_chosen_pipeline(renewals, name):
    assert report(name, "--pipeline", str(renewals.pk))["pipeline"] == "续约"


def test_unknown_pipeline_is_refused_and_lists_the_known_ones(renewals):
    with pytest.raises(CommandError, match="no active pipeline 'nope'.*续约"):
        report("funnel", "--pipeline", "nope")


def test_report_without_pipelines_refuses_the_pipeline_option(org):
    with pytest.raises(CommandError, match="takes no --pipeline"):
        report("headcount", "--pipeline", "1")
