import pytest

from salesflow.org.models import ApiToken, Role, Team, User


@pytest.mark.parametrize("path", ["/org/users/", "/org/users/new/", "/org/teams/", "/org/regions/", "/org/teams/new/"])
def test_org_admin_pages_are_forbidden_to_non_admins(org, client_for, path):
    for user in (org.rep_a, org.manager_east, org.director, org.finance):
        assert client_for(user).get(path).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_admin_creates_user_with_role_team_and_scope(org, client_for):
    response = client_for(org.admin).post("/org/users/new/", {
        "username": "newrep", "display_name": "新人", "email": "", "phone": "", "role": Role.REP,
        "scope": "own", "team": org.east1.pk, "region": "", "is_active": "on", "password": "a-strong-pass-42",
    })
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="newrep")
    assert (user.role, user.scope, user.team) == (Role.REP, "own", org.east1)
    assert user.check_password("a-strong-pass-42")


def test_user_form_rejects_weak_password_with_message(org, client_for):
    response = client_for(org.admin).post("/org/users/new/", {
        "username": "weak", "role": Role.REP, "scope": "own", "is_active": "on", "password": "123",
    })
    assert response.status_code == 400
    assert not User.objects.filter(username="weak").exists()


def test_team_cannot_be_moved_under_its_own_descendant(org, client_for):
    response = client_for(org.admin).post(
        f"/org/teams/{org.east.pk}/", {"name": "East", "parent": org.east1.pk, "version": org.east.version}
    )
    assert response.status_code == 400
    org.east.refresh_from_db()
    assert org.east.parent == org.hq


def test_moving_a_team_rewrites_descendant_paths(org):
    org.east.parent = org.west
    org.east.save()
    org.east1.refresh_from_db()
    assert org.east1.path == f"/{org.hq.pk}/{org.west.pk}/{org.east.pk}/{org.east1.pk}/"
    assert set(Team.objects.get(pk=org.west.pk).subtree().values_list("name", flat=True)) == {"West", "East", "East-1"}


def test_user_creates_and_revokes_own_token_in_the_ui(org, client_for):
    client = client_for(org.rep_a)
    response = client.post("/org/account/", {"name": "笔记本脚本"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=org.rep_a)
    raw = response.context["new_token"]
    assert raw.startswith("sf_") and raw in response.content.decode()
    client.post(f"/org/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_user_cannot_revoke_someone_elses_token(org, client_for):
    token, _raw = ApiToken.issue(user=org.rep_b, name="b")
    assert client_for(org.rep_a).post(f"/org/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
