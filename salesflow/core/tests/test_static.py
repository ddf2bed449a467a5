import re

from django.test import override_settings


@override_settings(DEBUG=False)
def test_front_end_libraries_are_served_from_installed_packages(client):
    for path in ("/static/vendor/plotly.min.js", "/static/django_htmx/htmx-2.min.js", "/static/salesflow/app.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 1000, path


def test_pages_load_no_assets_from_other_hosts(org, client_for):
    html = client_for(org.rep_a).get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page should reference its assets"
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
