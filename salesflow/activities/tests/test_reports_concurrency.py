"""Work reports under concurrent requests (PostgreSQL; skipped on SQLite's in-memory database)."""

import datetime
import json

import pytest
from django.test import Client

from salesflow.activities.models import WorkReport
from salesflow.activities.reports import services
from salesflow.org.models import ApiToken
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory

pytestmark = [skip_on_sqlite_memory(), pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_parallel_opens_of_the_same_period_create_one_report(org):
    _token, raw = ApiToken.issue(user=org.rep_a, name="race")

    def open_weekly():
        response = Client().post("/api/v1/activities/reports/open", json.dumps({"kind": "weekly"}),
                                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        return response.status_code, response.json()["id"]

    results = run_in_parallel(open_weekly, [() for _ in range(6)])
    assert {code for code, _id in results} <= {200, 201}, results
    assert len({report_id for _code, report_id in results}) == 1
    assert WorkReport.objects.filter(owner=org.rep_a, kind="weekly").count() == 1


def test_parallel_submits_of_the_same_version_submit_once(org):
    report = services.open_report(actor=org.rep_a, kind="daily", day=datetime.date(2026, 11, 20))
    report = services.save_report(report, actor=org.rep_a, data={"summary": "并发提交"}, version=report.version)
    _token, raw = ApiToken.issue(user=org.rep_a, name="race")

    def submit():
        return Client().post(f"/api/v1/activities/reports/{report.pk}/submit",
                             json.dumps({"version": report.version}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}").status_code

    codes = run_in_parallel(submit, [() for _ in range(5)])
    assert sorted(codes) == [200, 409, 409, 409, 409], codes
    assert WorkReport.objects.get(pk=report.pk).status == "submitted"
