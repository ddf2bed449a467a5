"""The installable app: the web app manifest, its icons, and the base template's links to them."""

import json
import re
import struct
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from salesflow.activities.visits.manifest import THEME_COLOR

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (and proof that it is a PNG at all)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_manifest_is_valid_json_with_the_right_content_type(client):
    response = client.get("/manifest.webmanifest")  # public: browsers fetch it without the session cookie
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content.decode("utf-8"))
    assert manifest["name"] == "SalesFlow 销售过程管理"
    assert manifest["start_url"] == "/activities/today/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == THEME_COLOR


def test_manifest_icons_exist_and_are_pngs_of_the_declared_sizes(client):
    manifest = client.get("/manifest.webmanifest").json()
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and icon["src"].startswith(STATIC_PREFIX)
        path = finders.find(icon["src"][len(STATIC_PREFIX):])
        assert path, icon["src"]
        width, height = png_size(Path(path))
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add(width)
    assert {192, 512} <= sizes


def test_theme_colour_is_the_stylesheets_brand_colour():
    css = Path(finders.find("salesflow/app.css")).read_text(encoding="utf-8")
    assert re.search(r"--brand:\s*([#0-9a-fA-F]+);", css).group(1).lower() == THEME_COLOR


def test_every_page_links_the_manifest_theme_colour_and_touch_icon(org, client_for):
    body = client_for(org.rep_a).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert f'<meta name="theme-color" content="{THEME_COLOR}">' in body
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', body).group(1)
    assert png_size(Path(finders.find(touch[len(STATIC_PREFIX):]))) == (180, 180)


def test_phone_user_opening_home_is_not_redirected(org, client_for):
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    response = client_for(org.rep_a).get("/", HTTP_USER_AGENT=iphone)
    assert response.status_code == 200


def test_manifest_speaks_the_browsers_language(client):
    english = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8"))
    assert english["name"] == "SalesFlow field sales" and english["lang"] == "en"
    chinese = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert json.loads(chinese.content.decode("utf-8"))["name"] == "SalesFlow 销售过程管理"
    assert "Accept-Language" in chinese["Vary"]
