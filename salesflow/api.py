"""The REST API under /api/v1/: assembled from each app's ``api.py`` router.

Authentication: the browser session (with CSRF) or a personal token (``Authorization: Bearer sf_...``).
Errors are JSON: ``{"message": "...", "errors": [{"field": "...", "message": "..."}]}``. Every error names its
field: a body field, a query or path parameter; an error about the record as a whole names the path parameter
that addresses it (``opportunity_id``), and one about the request as a whole names ``body``.
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from salesflow.core import db_errors
from salesflow.core.api_schemas import Error
from salesflow.core.concurrency import StaleEditError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from salesflow.org.models import ApiToken

        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(django_auth.__class__):
    """The browser session. CSRF is checked only for a signed-in session: a request without a session (or with a
    revoked token) is unauthenticated and gets 401, not a CSRF 403."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class SalesFlowAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_error_answers(schema)


api = SalesFlowAPI(
    title="SalesFlow API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)

ERROR_STATUSES = {
    401: _lazy("Not signed in, or the API token is unknown or revoked."),
    403: _lazy("Your role may not do this."),
    404: _lazy("No such record, or not one you may see."),
    409: _lazy("The record was changed by someone else (stale version) or its state does not allow this."),
    413: _lazy("The request body is larger than the server accepts."),
    422: _lazy("Invalid input: each error names its field."),
}


def document_error_answers(schema):
    """Every operation documents the error answers it can give, all with the ``Error`` body."""
    schema.setdefault("components", {}).setdefault("schemas", {})
    schema["components"]["schemas"].update(Error.model_json_schema(ref_template="#/components/schemas/{model}")
                                           .pop("$defs", {}))
    schema["components"]["schemas"]["Error"] = {
        k: v for k, v in Error.model_json_schema(ref_template="#/components/schemas/{model}").items() if k != "$defs"
    }
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = [422]
            if operation.get("security"):
                statuses += [401, 403]
            if "{" in path:
                statuses.append(404)
            if method in ("post", "patch", "put", "delete"):
                statuses += [404, 409, 413]
            for status in statuses:
                operation["responses"].setdefault(str(status), {"description": str(ERROR_STATUSES[status]), **ref})
    return schema


def _error(request, status, message, errors=None, code=None):
    body = {"message": str(message)}
    if code is not None:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def _field_name(request, field: str) -> str:
    """The name the client used for a model field: ``stage`` is sent as ``stage_id``. A non-field error
    (``__all__``) is about the record the route acts on, so it names the path parameter (``opportunity_id``);
    where there is none, it names the ``body``. No error is ever reported with an empty field."""
    path_params = list(getattr(getattr(request, "resolver_match", None), "kwargs", {}) or {})
    if field in ("", NON_FIELD_ERRORS):
        return path_params[-1] if path_params else "body"
    if f"{field}_id" in path_params or f"{field}_id" in _body_keys(request):
        return f"{field}_id"
    return field


def _body_keys(request) -> set[str]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RawPostDataException):
        return set()
    return set(body) if isinstance(body, dict) else set()


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ())]
        place = loc[0] if loc else "body"
        location = [p for p in loc if p not in ("body", "query", "path", "payload", "header", "cookie")]
        field = ".".join(location) or place
        errors.append({"field": field, "message": _input_message(err, field)})
    return _error(request, 422, _("The request has invalid fields."), errors, code="invalid")


def _input_message(err: dict, field: str) -> str:
    """Pydantic's message for the common cases, in the user's language (its own text is English only)."""
    ctx = {"field": field, **{k: str(v) for k, v in (err.get("ctx") or {}).items()}}
    messages = {
        "extra_forbidden": _("Unknown field: the server does not accept %(field)s."),
        "missing": _("This field is required."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_pattern_mismatch": _("This text contains characters that are not allowed."),
        "greater_than_equal": _("Enter a value greater than or equal to %(ge)s."),
        "less_than_equal": _("Enter a value less than or equal to %(le)s."),
        "string_type": _("Enter a text (not null)."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "decimal_max_places": _("Enter at most %(decimal_places)s decimal places."),
        "decimal_max_digits": _("Enter at most %(max_digits)s digits."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "literal_error": _("Choose one of: %(expected)s."),
        "object_expected": _("Send a JSON object."),
        "model_attributes_type": _("Send a JSON object."),
        "list_type": _("Send a list."),
        "too_long": _("Send at most %(max_length)s items."),
        "too_short": _("Send at least %(min_length)s items."),
    }
    template = messages.get(err.get("type"))
    if template is None:
        return err.get("msg", "")
    try:
        return template % ctx
    except (KeyError, ValueError):
        return err.get("msg", "")


@api.exception_handler(DjangoValidationError)
def on_rule_violation(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": _field_name(request, f), "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        field = _field_name(request, "")
        errors = [{"field": field, "message": m} for m in exc.messages]
    return _error(request, 422, _("The request breaks a business rule."), errors, code="rule")


@api.exception_handler(IntegrityError)
def on_constraint_violation(request, exc):
    field, message = db_errors.describe(exc)
    return _error(request, 422, message, [{"field": _field_name(request, field), "message": message}], code="rule")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _error(request, 413, _("The request body is larger than the server accepts."))


@api.exception_handler(StaleEditError)
def on_stale_edit(request, exc):
    return _error(request, 409, exc.message)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_gone(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Log in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:  # ninja: the body is not JSON
        message = _("The request body is not valid JSON.")
        return _error(request, 422, message, [{"field": "body", "message": message}], code="invalid")
    return _error(request, exc.status_code, exc.message if hasattr(exc, "message") else str(exc))


def _mount_routers():
    from salesflow.activities.api import router as activities_router
    from salesflow.approvals.api import router as approvals_router
    from salesflow.contracts.api import router as contracts_router
    from salesflow.customers.api import router as customers_router
    from salesflow.insights.delivery.api import router as insights_router
    from salesflow.leads.api import router as leads_router
    from salesflow.org.api import router as org_router
    from salesflow.performance.api import router as performance_router
    from salesflow.pipeline.analytics_api import router as analytics_router
    from salesflow.pipeline.api import router as pipeline_router

    api.add_router("/org/", org_router)
    api.add_router("/customers/", customers_router)
    api.add_router("/leads/", leads_router)
    api.add_router("/opportunities/", pipeline_router)
    api.add_router("/analytics/", analytics_router)
    api.add_router("/contracts/", contracts_router)
    api.add_router("/approvals/", approvals_router)
    api.add_router("/activities/", activities_router)
    api.add_router("/performance/", performance_router)
    api.add_router("/insights/", insights_router)


_mount_routers()
