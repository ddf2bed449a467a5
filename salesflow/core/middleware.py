from django.conf import settings
from django.db import IntegrityError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from .audit import acting_for_request
from .concurrency import StaleEditError
from .db_errors import describe


class AuditActorMiddleware:
    """Attributes every audited change made during a request to the logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_for_request(request):
            return self.get_response(request)


class StaleEditMiddleware:
    """A stale edit that escapes a view becomes HTTP 409 with a readable page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StaleEditError):
            body = render_to_string("core/conflict.html", {"message": exception.message}, request=request)
            return HttpResponse(body, status=409)
        if isinstance(exception, IntegrityError):
            # Last resort: a constraint violation names its field in the user's language, never the constraint.
            _field, message = describe(exception)
            body = render_to_string("core/conflict.html", {"message": message}, request=request)
            return HttpResponse(body, status=409)
        return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and ``Cache-Control: no-store`` on what a signed-in user gets.

    Django 5.2 has no CSP support of its own; our pages need no inline script (scripts are static files, data
    travels in ``json_script``), so one fixed header from settings is all it takes (no nonces, no django-csp).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SALESFLOW_CSP:
            response.headers.setdefault("Content-Security-Policy", settings.SALESFLOW_CSP)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "Authorization" in request.headers:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
