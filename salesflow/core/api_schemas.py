"""Pieces every app's API shares: the paginated list envelope."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import PaginationBase

from salesflow.core.paging import capped_count

MAX_PAGE_SIZE = 200


class Page(PaginationBase):
    """``?page=N&page_size=M`` -> ``{"count", "count_is_capped", "page", "page_size", "items": [...]}``.

    ``count`` is exact up to ``COUNT_CAP`` rows; past it, it is ``COUNT_CAP`` and ``count_is_capped`` is true (the
    exact figure would cost a scan of every visible row on each page request). Page on until ``items`` is short.
    """

    class Input(Schema):
        page: int = 1
        page_size: int = 50

    class Output(Schema):
        count: int
        count_is_capped: bool
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
        count = capped_count(queryset)
        return {
            "count": int(count),
            "count_is_capped": count.capped,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": list(queryset[offset : offset + pagination.page_size]),
        }
