"""Pieces every app's API shares: the paginated list envelope."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200


class Page(PaginationBase):
    """``?page=N&page_size=M`` -> ``{"count": total, "page": N, "page_size": M, "items": [...]}``."""

    class Input(Schema):
        page: int = 1
        page_size: int = 50

    class Output(Schema):
        count: int
        page: int
        page_size: int
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        if pagination.page < 1 or not 1 <= pagination.page_size <= MAX_PAGE_SIZE:
            raise ValidationError(
                _("page must be 1 or more and page_size between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
            )
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "count": queryset.count(),
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": list(queryset[offset : offset + pagination.page_size]),
        }
