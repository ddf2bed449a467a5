"""Pieces every app's API shares: strict input schemas, bounded types, the error body and the paginated envelope.

Input schemas say exactly what the server accepts, so that a client (or schemathesis) can rely on them:

* ``InputSchema`` refuses unknown fields (422 naming them);
* ``text(Model, "field")`` is a string no longer than the model's column, without NUL characters (PostgreSQL
  cannot store them); a ``| None`` type appears only where null means something (clearing an optional link);
* ids, versions, money and business dates carry their bounds (``Id``, ``Version``, ``Money``, ``BusinessDate``);
* pages are bounded (``Page``), so no page number can overflow the database's OFFSET.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Path, Query, Schema
from ninja.pagination import PaginationBase
from pydantic import ConfigDict, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from salesflow.core.paging import capped_count
from salesflow.core.validators import BUSINESS_DATE_MAX, BUSINESS_DATE_MIN

MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000
MAX_ID = 2**63 - 1  # BigAutoField
MAX_VERSION = 2**31 - 1  # PositiveIntegerField
TEXT_MAX = 10_000  # notes and other TextFields
SEARCH_MAX = 200
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION)]
# JSON Schema cannot bound a decimal's places or a date's year: a pattern says it (numbers are accepted too).
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2),
                  WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,16}(\.[0-9]{1,2})?$",
                                  "description": "An amount in yuan: up to 16 digits and 2 decimals, not negative."})]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2),
                          WithJsonSchema({"type": "string",
                                          "pattern": r"^([1-9][0-9]{0,15}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$",
                                          "description": "An amount in yuan above 0: up to 16 digits and 2 decimals."})]
Rate = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2),
                 WithJsonSchema({"type": "string", "pattern": r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$",
                                 "description": "A percentage from 0 to 100 with up to 2 decimals."})]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2),
                     WithJsonSchema({"type": "string",
                                     "pattern": r"^([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$",
                                     "description": "Above 0, up to 12 digits and 2 decimals."})]
BusinessDate = Annotated[date, Field(ge=BUSINESS_DATE_MIN, le=BUSINESS_DATE_MAX),
                         WithJsonSchema({"type": "string", "format": "date", "pattern": r"^(20[0-9][0-9]|2100)-",
                                         "description": "A date from 2000-01-01 to 2100-12-31."})]
Birthday = Annotated[date, Field(ge=date(1900, 1, 1), le=BUSINESS_DATE_MAX),
                     WithJsonSchema({"type": "string", "format": "date", "pattern": r"^(19|20)[0-9][0-9]-",
                                     "description": "A date from 1900-01-01."})]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


def text(model: type[models.Model], field: str, *, required: bool = False) -> Any:
    """A string type bounded like ``model.field`` (its max_length; TEXT_MAX for a TextField); NUL refused."""
    max_length = model._meta.get_field(field).max_length or TEXT_MAX
    return Annotated[str, Field(min_length=1 if required else 0, max_length=max_length, pattern=NO_NUL)]


def choice(model: type[models.Model], field: str) -> Any:
    """A string that must be one of ``model.field``'s choices (plus "" when the field may be blank)."""
    model_field = model._meta.get_field(field)
    values = [value for value, _label in model_field.choices]
    if model_field.blank and "" not in values:
        values.append("")
    return Literal[tuple(values)]


# Route parameters: ``customer_id: PathId``, ``owner: QueryId = None``, ``q: QueryText = ""``.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryText = Annotated[str, Query(max_length=SEARCH_MAX, pattern=NO_NUL)]
QueryDate = Annotated[BusinessDate | None, Query()]


class InputSchema(Schema):
    """Base of every request body: a JSON object (not a string or an array); a field the server does not know is
    refused, not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _only_objects(cls, value, handler):
        if not isinstance(value, dict | cls):
            raise PydanticCustomError("object_expected", "Send a JSON object.")
        return handler(value)


class FieldError(Schema):
    field: str = Field(description="The input field concerned: a body field, a query or path parameter.")
    message: str


class Error(Schema):
    """The body of every 4xx answer. ``code`` tells a 422's kind: ``invalid`` (the request does not match the
    schema) or ``rule`` (well formed, but a business rule refuses it)."""

    message: str
    code: str | None = None
    errors: list[FieldError] | None = None


class Page(PaginationBase):
    """``?page=N&page_size=M`` -> ``{"count", "count_is_capped", "page", "page_size", "items": [...]}``.

    ``count`` is exact up to ``COUNT_CAP`` rows; past it, it is ``COUNT_CAP`` and ``count_is_capped`` is true (the
    exact figure would cost a scan of every visible row on each page request). Page on until ``items`` is short.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        count_is_capped: bool
        page: int
        page_size: int
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        count = capped_count(queryset)
        return {
            "count": int(count),
            "count_is_capped": count.capped,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": list(queryset[offset : offset + pagination.page_size]),
        }
