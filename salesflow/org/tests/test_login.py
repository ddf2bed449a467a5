from django.test import override_settings

from salesflow.testing.factories import PASSWORD


def attempt(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_and_logout(org, client):
    response = attempt(client, "rep_a", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_repeated_failures_block_even_the_right_password_for_a_while(org, client):
    for _ in range(3):
        assert attempt(client, "rep_a", "wrong").status_code == 200
    response = attempt(client, "rep_a", PASSWORD)
    assert response.status_code == 200  # refused, form shown again
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    assert attempt(client, "rep_b", PASSWORD).status_code == 302


def test_language_choice_is_remembered_in_a_cookie(org, client):
    client.force_login(org.rep_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert "Customers" in client.get("/customers/").content.decode()
