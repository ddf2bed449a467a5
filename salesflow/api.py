"""The REST API under /api/v1/: assembled from each app's ``api.py`` router.

Authentication: the browser session (with CSRF) or a personal token (``Authorization: Bearer sf_...``).
Errors are JSON: ``{"message": "...", "errors": [{"field": "...", "message": "..."}]}``.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from salesflow.core.concurrency import StaleEditError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from salesflow.org.models import ApiToken

        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="SalesFlow API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs",
)


def _error(request, status, message, errors=None):
    body = {"message": str(message)}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    errors = []
    for err in exc.errors:
        location = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(location), "message": err.get("msg", "")})
    return _error(request, 422, _("The request has invalid fields."), errors)


@api.exception_handler(DjangoValidationError)
def on_rule_violation(request, exc):
    if hasattr(exc, "message_dict"):
        errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(request, 422, _("The request breaks a business rule."), errors)


@api.exception_handler(StaleEditError)
def on_stale_edit(request, exc):
    return _error(request, 409, StaleEditError.message)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Log in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, exc.message if hasattr(exc, "message") else str(exc))


def _mount_routers():
    from salesflow.customers.api import router as customers_router
    from salesflow.leads.api import router as leads_router
    from salesflow.org.api import router as org_router
    from salesflow.pipeline.analytics_api import router as analytics_router
    from salesflow.pipeline.api import router as pipeline_router

    api.add_router("/org/", org_router)
    api.add_router("/customers/", customers_router)
    api.add_router("/leads/", leads_router)
    api.add_router("/opportunities/", pipeline_router)
    api.add_router("/analytics/", analytics_router)


_mount_routers()
