import pytest
from django.test import override_settings

from salesflow.testing.factories import PASSWORD
from salesflow.testing.parallel import skip_on_sqlite_memory


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


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(LOGIN_THROTTLE_LIMIT=5)
def test_parallel_bad_passwords_get_at_most_the_limit_of_password_checks(org):
    from django.test import Client

    from salesflow.org.models import LoginFailure
    from salesflow.testing.parallel import run_in_parallel

    codes = run_in_parallel(lambda: attempt(Client(), "rep_a", "wrong").status_code, [() for _ in range(30)])
    assert codes == [200] * 30
    # Every password check that failed left one failure row; refused attempts (no check) leave none.
    assert 1 <= LoginFailure.objects.filter(username="rep_a").count() <= 5


@override_settings(LOGIN_THROTTLE_LIMIT=2)
def test_a_successful_login_clears_the_failures(org, client):
    assert attempt(client, "rep_a", "wrong").status_code == 200
    assert attempt(client, "rep_a", PASSWORD).status_code == 302
    client.post("/logout/")
    assert attempt(client, "rep_a", "wrong").status_code == 200
    assert attempt(client, "rep_a", PASSWORD).status_code == 302
