"""Error pages inside the app shell: they say what happened and offer a way back.

403/404/400 and the CSRF failure render with the request (the shell and its menu). The 500 page renders
without the request and its context processors, so it still works when the database is what broke.
"""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>500</title>'
    "<h1>服务器出错 / Server error</h1><p>请稍后再试。Please try again later.</p>"
    '<p><a href="/">返回首页 / Home</a></p>'
)


def _reason(exception) -> str:
    """The message a view raised with (e.g. PermissionDenied(_("..."))), if it has one."""
    if exception is None or not getattr(exception, "args", None):
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) else ""


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": _reason(exception)}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    try:
        body = loader.get_template("500.html").render({})
    except Exception:  # the error page itself must never raise
        logger.exception("rendering the 500 page failed")
        body = FALLBACK_500
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
