"""Query counts of the KPI pages and API lists, pinned with 2 and with 20 rows behind them (constant in reps)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from salesflow.org.models import Role
from salesflow.performance.kpis import services
from salesflow.performance.models import Kpi
from salesflow.testing.factories import make_user
from salesflow.testing.queries import assert_pinned

from .kpi_factories import make_agreement, make_closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(org):
    keys = {"signed_amount": 40, "win_rate": 20, "visits": 20, "training_hours": 20}
    kpis = {k.key: k for k in Kpi.objects.filter(key__in=keys)}
    for role in ("rep", "manager"):
        services.save_scorecard(actor=org.admin, role=role, items=[
            {"kpi": kpis[k], "weight": Decimal(w), "target": Decimal(10)} for k, w in keys.items()])
    return org


def more_reps(org, team):
    def grow(n):
        for _ in range(n):
            rep = make_user(role=Role.REP, team=team)
            make_agreement(rep, amount="100.00", signed_on=datetime.date(2026, 3, 5))
            make_closed(rep, opened=datetime.date(2026, 3, 1), closed=datetime.date(2026, 3, 9))
    return grow


def more_rows(org):
    def grow(n):
        for _ in range(n):
            make_agreement(org.rep_a, amount="100.00", signed_on=datetime.date(2026, 3, 5))
    return grow


PINS = [  # (viewer, url name, query, grow, expected)
    ("rep_a", "performance:kpi-scorecard", {"period": "2026-03"}, "rows", 11),
    ("manager_east", "performance:kpi-team-scorecards", {"period": "2026-03"}, "reps", 24),
    ("rep_a", "performance:kpi-leaderboard", {"period": "2026-03"}, "reps", 8),
    ("rep_a", "performance:kpi-drill", {"period": "2026-03"}, "rows", 9),
]


@pytest.mark.parametrize(("viewer", "name", "query", "grow", "expected"), PINS, ids=[p[1] for p in PINS])
def test_page_query_counts_are_pinned(card, client_for, viewer, name, query, grow, expected):
    org = card
    url = reverse(name, args=["signed_amount"]) if name.endswith("drill") else reverse(name)
    url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    grower = more_rows(org) if grow == "rows" else more_reps(org, org.east1)
    assert_pinned(client_for(getattr(org, viewer)), url, grower, expected)


API_PINS = [
    ("/api/v1/performance/kpis/", "rows", 2),
    ("/api/v1/performance/kpis/scorecards/?period=2026-03", "reps", 10),
    ("/api/v1/performance/kpis/leaderboard/?period=2026-03&kpi=win_rate", "reps", 7),
]


@pytest.mark.parametrize(("path", "grow", "expected"), API_PINS, ids=[p[0] for p in API_PINS])
def test_api_query_counts_are_pinned(card, path, grow, expected):
    from salesflow.testing.api_client import ApiClient

    org = card
    api = ApiClient(org.admin)
    grower = more_rows(org) if grow == "rows" else more_reps(org, org.east1)
    assert_pinned(api.client, path, grower, expected, **api.auth)
