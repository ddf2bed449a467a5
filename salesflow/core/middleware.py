from django.http import HttpResponse
from django.template.loader import render_to_string

from .audit import acting_for_request
from .concurrency import StaleEditError


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
            body = render_to_string("core/conflict.html", {"message": StaleEditError.message}, request=request)
            return HttpResponse(body, status=409)
        return None
