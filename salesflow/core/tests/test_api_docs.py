import re

from django.test import override_settings


def test_api_docs_page_loads_swagger_ui_from_this_server(org, client_for):
    response = client_for(org.rep_a).get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))], sources


@override_settings(DEBUG=False)
def test_swagger_ui_assets_are_served(client):
    for path in ("/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css",
                 "/static/ninja/swagger-ui-init.js"):
        response = client.get(path)
        assert response.status_code == 200, path
