"""The web shell in a real browser: login, navigation, language switch, phone width, logout."""

import pytest

from e2e.conftest import DESKTOP, PHONE, login, screenshot
from salesflow.testing.factories import make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_shows_chinese_shell_and_logout_returns_to_login(new_page, org):
    page = login(new_page(), org.rep_a.username)
    assert page.locator("nav#sidenav").get_by_text("客户").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "home-zh-desktop")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")
    assert page.locator("[data-testid=login-submit]").is_visible()


def test_wrong_password_shows_a_readable_error(new_page, org):
    page = new_page()
    page.goto("/login/")
    screenshot(page, "login")
    page.fill("input[name=username]", org.rep_a.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login-submit]")
    assert page.locator(".form-errors").is_visible()
    assert "/login/" in page.url


def test_language_switch_is_remembered_across_pages(new_page, org):
    page = login(new_page(), org.rep_a.username)
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/customers/")
    assert page.locator("h1").inner_text() == "Customers"
    screenshot(page, "customers-en-desktop")
    page.click("[data-testid=lang-zh-hans]")
    page.wait_for_load_state()
    page.goto("/customers/")
    assert page.locator("h1").inner_text() == "客户"


def test_phone_width_has_a_drawer_menu_and_no_horizontal_scroll(new_page, org):
    make_customer(org.rep_a, name="手机测试有限公司")
    page = login(new_page(PHONE), org.rep_a.username)
    nav = page.locator("nav#sidenav")
    assert not nav.is_visible() or nav.bounding_box()["x"] < 0  # drawer starts closed
    page.click("[data-nav-toggle]")
    page.wait_for_timeout(300)
    assert nav.bounding_box()["x"] >= 0
    page.locator("nav#sidenav a[href='/customers/']").click()
    page.wait_for_url("**/customers/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
    screenshot(page, "customers-zh-phone")


@pytest.mark.parametrize("path,name", [
    ("/", "home"), ("/customers/", "customers"), ("/org/users/", "users"), ("/org/teams/", "teams"),
    ("/org/regions/", "regions"), ("/audit/", "audit"), ("/org/account/", "account"),
])
def test_main_pages_render_for_admin_on_desktop_and_phone(new_page, org, path, name):
    make_customer(org.rep_a, name="截图客户有限公司")
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = login(new_page(viewport), org.admin.username)
        response = page.goto(path)
        assert response.status == 200
        assert page.locator("h1").first.is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} is {width}px wide at {viewport['width']}px"
        screenshot(page, f"page-{name}-{label}")
