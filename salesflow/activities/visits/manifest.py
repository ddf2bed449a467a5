"""The web app manifest (/manifest.webmanifest): a rep adds SalesFlow to the phone's home screen and it opens on
the "today" page, full screen. Public: browsers fetch a manifest without the session cookie, so its name follows the
language the browser asks for (``LocaleMiddleware`` answers ``Vary: Accept-Language``)."""

from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#1f5eff"  # the stylesheet's --brand (a test keeps them equal); base.html's theme-color says it too
BACKGROUND_COLOR = "#f4f6f9"  # the stylesheet's --bg
ICONS = (("salesflow/icons/icon-192.png", 192), ("salesflow/icons/icon-512.png", 512))


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request):
    body = {
        "name": _("SalesFlow field sales"),
        "short_name": "SalesFlow",
        "lang": "zh-CN" if (get_language() or "").startswith("zh") else "en",
        "start_url": reverse("activities:today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        # The drawing keeps inside the central 80 %, so the same PNGs serve as maskable icons.
        "icons": [{"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
                  for purpose in ("any", "maskable") for path, size in ICONS],
    }
    return JsonResponse(body, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False, "indent": 2})
