"""Error pages: styled, in Chinese, inside the app shell, with a way back."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from salesflow.core import error_views


def test_finance_opening_an_admin_page_sees_the_styled_chinese_403_in_the_shell(org, client_for):
    response = client_for(org.finance).get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "没有权限" in html  # "Access denied"
    assert 'id="sidenav"' in html  # inside the shell, menu included
    assert 'href="/"' in html  # a way back
    assert "Forbidden" not in html


def test_permission_denied_reason_is_shown_translated(org, client_for):
    html = client_for(org.finance).get("/audit/").content.decode()
    assert "你的角色不允许此操作" in html  # access.require_role's "Your role does not allow this."


def test_unknown_address_shows_styled_chinese_404(org, client_for):
    response = client_for(org.rep_a).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'id="sidenav"' in html


def test_404_for_anonymous_visitor_offers_the_start_page(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'id="sidenav"' not in html


def test_server_error_page_renders_without_the_database():
    # No django_db mark: any query here would raise, so the 500 page must not need one.
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = error_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错" in html
    assert 'href="/"' in html


def test_expired_csrf_token_shows_a_readable_page(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    response = client.post("/notifications/read/")
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


@pytest.mark.parametrize("language,text", [("en", "Page not found"), ("zh-hans", "页面不存在")])
def test_404_follows_the_chosen_language(org, client_for, language, text):
    client = client_for(org.rep_a)
    client.cookies["django_language"] = language
    assert text in client.get("/no-such-page/").content.decode()
