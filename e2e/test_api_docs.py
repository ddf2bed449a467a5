"""/api/v1/docs works offline: Swagger UI comes from the installed package and lists the operations."""

import pytest

from e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_api_docs_render_operations_without_external_requests(new_page, org, live_server):
    page = login(new_page(), org.admin.username)
    outside = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) or r.url.startswith("data:")
            else outside.append(r.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() > 10
    assert page.get_by_text("/api/v1/customers").first.is_visible()
    screenshot(page, "api-docs")
    assert outside == [], outside
