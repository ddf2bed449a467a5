"""Accounts: own password change, an admin's reset (audited), e-mail reset only when SMTP is configured."""

import re

from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client, override_settings

from salesflow.core.models import AuditEntry
from salesflow.testing.factories import PASSWORD

NEW = "Ganz-neues-Passwort-2026"


def _password_entries(user):
    return AuditEntry.for_object(user).filter(action="action", note__startswith="password")


def test_user_changes_own_password_and_stays_logged_in(org, client_for):
    client = client_for(org.rep_a)
    assert client.get("/org/account/password/").status_code == 200
    response = client.post("/org/account/password/", {"old_password": PASSWORD, "new_password1": NEW,
                                                        "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/org/account/"
    assert authenticate(username=org.rep_a.username, password=NEW) is not None
    assert client.get("/org/account/").status_code == 200  # session kept
    entry = _password_entries(org.rep_a).get()
    assert entry.actor == org.rep_a and NEW not in str(entry.changes)


def test_wrong_current_password_is_refused_in_chinese(org, client_for):
    response = client_for(org.rep_a).post("/org/account/password/", {
        "old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 400
    assert "你的旧密码不正确" in response.content.decode()
    assert authenticate(username=org.rep_a.username, password=PASSWORD) is not None


def test_admin_resets_a_users_password_and_the_reset_is_audited(org, client_for):
    client = client_for(org.admin)
    page = client.get("/org/users/").content.decode()
    assert f"/org/users/{org.rep_b.pk}/password/" in page
    response = client.post(f"/org/users/{org.rep_b.pk}/password/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert authenticate(username=org.rep_b.username, password=NEW) is not None
    entry = _password_entries(org.rep_b).get()
    assert entry.actor == org.admin and entry.note == "password reset by an administrator"


def test_only_an_admin_may_reset_someone_elses_password(org, client_for):
    response = client_for(org.manager_east).post(f"/org/users/{org.rep_a.pk}/password/",
                                                 {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 403
    assert authenticate(username=org.rep_a.username, password=PASSWORD) is not None


def test_admin_setting_a_password_in_the_user_form_is_audited_too(org, client_for):
    from salesflow.org.forms import UserForm

    data = {f: getattr(org.rep_b, f) for f in UserForm.Meta.fields}
    data.update(team=org.rep_b.team_id, region="", password=NEW)
    response = client_for(org.admin).post(f"/org/users/{org.rep_b.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _password_entries(org.rep_b).get().actor == org.admin


@override_settings(EMAIL_HOST="")
def test_forgot_password_is_hidden_and_unreachable_without_smtp(db):
    client = Client()
    assert "/password-reset/" not in client.get("/login/").content.decode()
    assert client.get("/password-reset/").status_code == 404


@override_settings(EMAIL_HOST="smtp.example.com")
def test_forgot_password_sends_a_link_that_sets_a_new_password(org):
    org.rep_a.email = "rep_a@example.com"
    org.rep_a.save()
    client = Client()
    assert 'data-testid="forgot-password"' in client.get("/login/").content.decode()
    response = client.post("/password-reset/", {"email": "rep_a@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert authenticate(username=org.rep_a.username, password=NEW) is not None
    assert _password_entries(org.rep_a).get().note == "password reset by e-mail link"
