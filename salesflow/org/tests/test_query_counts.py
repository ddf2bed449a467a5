"""Pinned SQL query counts of the organisation pages and API reads (2 and 20 records cost the same)."""

import pytest

from salesflow.org.models import Role
from salesflow.org.services import issue_token
from salesflow.testing.factories import make_region, make_team, make_user
from salesflow.testing.queries import assert_pinned


def members_of(org):
    def grow(n):
        for _ in range(n):
            team = make_team(parent=org.east, manager=org.manager_east)
            make_user(role=Role.REP, team=team, region=make_region())
    return grow


@pytest.mark.parametrize(("path", "expected"), [
    ("/org/users/", 5),
    ("/org/teams/", 4),
    ("/org/regions/", 4),
    ("/org/users/new/", 5),
    ("/org/teams/new/", 5),
])
def test_admin_org_pages_run_a_fixed_number_of_queries(org, client_for, path, expected):
    assert_pinned(client_for(org.admin), path, members_of(org), expected)


def test_user_and_team_edit_pages_run_a_fixed_number_of_queries(org, client_for):
    client = client_for(org.admin)
    assert_pinned(client, f"/org/users/{org.rep_a.pk}/", members_of(org), 6)
    assert_pinned(client, f"/org/teams/{org.east.pk}/", members_of(org), 6)


def test_account_page_runs_a_fixed_number_of_queries_whatever_the_tokens(org, client_for):
    def grow(n):
        for i in range(n):
            issue_token(user=org.rep_a, name=f"脚本{i}")
    assert_pinned(client_for(org.rep_a), "/org/account/", grow, 5)


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("rep_a", "/api/v1/org/me", 2),
    ("admin", "/api/v1/org/users", 4),
    ("manager_east", "/api/v1/org/users", 6),
    ("rep_a", "/api/v1/org/teams", 4),
    ("rep_a", "/api/v1/org/regions", 4),
])
def test_org_api_reads_run_a_fixed_number_of_queries(org, client_for, who, path, expected):
    assert_pinned(client_for(getattr(org, who)), path, members_of(org), expected)


def test_team_api_detail_runs_a_fixed_number_of_queries(org, client_for):
    assert_pinned(client_for(org.rep_a), f"/api/v1/org/teams/{org.east.pk}", members_of(org), 3)
