"""The heavy readers of insights against a real streaming replica (PostgreSQL suite): the role dashboard and the
records behind its figures read the replica; a sales report is generated from it, while the report's own row —
written a moment before — is read on the primary."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from salesflow.contracts.receivables.tests.factories import make_agreement
from salesflow.core import replica
from salesflow.core.replica import REPLICA
from salesflow.core.tests.test_replica import needs_replica, on, on_replica, paused  # noqa: F401  (fixture)
from salesflow.insights.models import SalesReport


def signed_count(client) -> int:
    board = client.get("/").context["dashboard"]
    period = next(p for p in board["panels"] if p["key"] == "period")
    return next(f["count"] for f in period["figures"] if "/signed/" in f["url"])


@needs_replica
@on_replica
def test_the_dashboard_and_its_records_read_the_replica(org, client_for, paused):  # noqa: F811
    director = client_for(org.director)
    before = signed_count(director)
    make_agreement(org.rep_a, amount="9000.00", signed_on=timezone.localdate())
    assert signed_count(director) == before  # replay paused: the replica has not seen it
    records = director.get(reverse("insights:records", args=["signed"]))
    assert records.context["summary"]["count"] == before
    on(REPLICA, "SELECT pg_wal_replay_resume()")
    replica.wait_for_replay()
    assert signed_count(director) == before + 1


@needs_replica
@on_replica
def test_a_report_made_on_the_command_line_while_the_replica_lags_is_made(org, paused, tmp_path):  # noqa: F811
    out = io.StringIO()
    call_command("report", "generate", "monthly", "--lang", "en", "--format", "xlsx",
                 "--out", str(tmp_path / "m.xlsx"), stdout=out)
    report = SalesReport.objects.get()
    assert report.status == SalesReport.Status.READY, report.error
    assert (tmp_path / "m.xlsx").stat().st_size == report.size > 0
