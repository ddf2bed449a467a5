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


# --- issue 7: every main page fits a 375 px phone; tables are not cut off at 1280 px; error pages are styled ---

MAIN_PAGES = [
    ("/", "home"), ("/customers/", "customers"), ("/customers/pool/", "pool"), ("/customers/contacts/", "contacts"),
    ("/leads/", "leads"), ("/opportunities/", "opportunities"), ("/opportunities/kanban/", "kanban"),
    ("/opportunities/stats/", "opportunity-stats"), ("/analytics/funnel/", "funnel"),
    ("/analytics/forecast/", "forecast"), ("/analytics/stalled/", "stalled"), ("/notifications/", "notifications"),
    ("/org/account/", "account"), ("/org/account/password/", "password-change"),
]
WIDE_1280 = {"width": 1280, "height": 860}


@pytest.fixture
def sample_data(org):
    """A little of everything a rep sees, with long Chinese names that push layouts."""
    import datetime

    from django.utils import timezone

    from salesflow.customers.models import Contact
    from salesflow.customers.services import return_customer_to_pool
    from salesflow.leads.services import create_lead
    from salesflow.pipeline import services

    for i in range(3):
        customer = make_customer(org.rep_a, name=f"上海浦东新区智能制造装备科技有限公司{i}", industry="制造业")
        Contact.objects.create(customer=customer, name=f"王经理{i}", phone="13800000001", email=f"w{i}@example.com")
        services.open_opportunity(actor=org.rep_a, customer=customer, subject=f"二期数字化工厂改造项目{i}",
                                  amount=1234567 * (i + 1),
                                  expected_close_date=timezone.localdate() + datetime.timedelta(days=20 - 30 * i))
        create_lead(actor=org.rep_a, owner=org.rep_a, company=f"杭州云帆软件有限公司{i}", contact_name="李经理",
                    phone=f"1380000000{i}")
    org.rep_a.display_name = "张伟"
    org.rep_a.save()
    big = make_customer(org.rep_a, name="北京大额订单集团股份有限公司", industry="能源")
    services.open_opportunity(actor=org.rep_a, customer=big, subject="全集团能源管理平台", amount=987654321,
                              expected_close_date=timezone.localdate() + datetime.timedelta(days=10))
    pooled = make_customer(org.rep_b, name="公海里的一家名字很长的好客户有限公司", industry="零售")
    return {"pooled": return_customer_to_pool(actor=org.rep_b, customer=pooled, reason="客户暂无采购计划，预算冻结")}


def _page_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth"), page.evaluate("window.innerWidth")


@pytest.mark.parametrize("path,name", MAIN_PAGES)
def test_every_main_page_fits_a_phone(new_page, org, sample_data, path, name):
    page = login(new_page(PHONE), org.rep_a.username)
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    width, inner = _page_width(page)
    screenshot(page, f"phone-{name}")
    assert width <= inner, f"{path} is {width}px wide on a {inner}px phone"
    top = page.locator("header.topbar").bounding_box()
    assert top["height"] <= 56, f"the top bar wraps on {path} ({top['height']}px high)"
    for details in page.locator("details.more-filters").all():
        assert details.get_attribute("open") is None, f"{path}: the filter panel should start collapsed on a phone"


def test_pool_claim_button_is_within_the_phone_viewport(new_page, org, sample_data):
    page = login(new_page(PHONE), org.rep_a.username)
    page.goto("/customers/pool/")
    button = page.locator(f"[data-testid=claim-{sample_data['pooled'].pk}]")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert "客户暂无采购计划" in page.locator("[data-testid=return-reason]").first.inner_text()
    screenshot(page, "phone-pool-claim")
    button.click()
    page.wait_for_url(f"**/customers/{sample_data['pooled'].pk}/")


def test_kanban_scrolls_inside_its_own_area_on_a_phone(new_page, org, sample_data):
    page = login(new_page(PHONE), org.rep_a.username)
    page.goto("/opportunities/kanban/")
    columns = page.locator(".board .columns")
    scroll_width, client_width = columns.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll_width > client_width  # the board itself scrolls sideways ...
    assert _page_width(page)[0] <= PHONE["width"]  # ... the page does not
    assert "万" in columns.inner_text()  # short amounts on cards


@pytest.mark.parametrize("path,name", [p for p in MAIN_PAGES if p[0] != "/opportunities/kanban/"])
def test_no_table_is_cut_off_at_1280(new_page, org, sample_data, path, name):
    page = login(new_page(WIDE_1280), org.rep_a.username)
    page.goto(path)
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap'))
        .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => [el.scrollWidth, el.clientWidth])""")
    assert cut == [], f"{path}: tables wider than their area at 1280px: {cut}"
    assert _page_width(page)[0] <= WIDE_1280["width"]
    screenshot(page, f"desktop-{name}")


def test_forbidden_page_is_styled_and_in_chinese(new_page, org, live_server):
    page = login(new_page(), org.finance.username)
    response = page.goto("/customers/pool/")
    assert response.status == 403
    assert page.locator("[data-testid=error-page] h1").inner_text() == "没有权限"
    assert page.locator("nav#sidenav").is_visible()
    screenshot(page, "error-403")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("[data-testid=error-page]").count() == 0


def test_unknown_page_is_styled_404_on_a_phone(new_page, org):
    page = login(new_page(PHONE), org.rep_a.username)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("[data-testid=error-page] h1").inner_text() == "页面不存在"
    assert _page_width(page)[0] <= PHONE["width"]
    screenshot(page, "error-404-phone")
