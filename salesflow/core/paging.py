"""Counts that do not grow with the data: exact up to a cap, then "10000+".

A list page's pager and a dashboard tile only need to know the exact number while it is small enough to read; past
``COUNT_CAP`` rows, counting every visible row costs time proportional to the table (the exact ``COUNT(*)`` was
most of a list page's time at 1M rows). ``capped_count`` stops after ``cap + 1`` rows, whatever the table size.
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator

COUNT_CAP = 10_000


def count_cap() -> int:
    """``COUNT_CAP``, or the ``COUNT_CAP`` setting when a deployment (or a test) sets one."""
    return getattr(settings, "COUNT_CAP", COUNT_CAP)


class CappedCount(int):
    """An ``int`` that remembers it was capped; it prints as ``10000+`` (templates, translations) when it was."""

    capped: bool

    def __new__(cls, value: int, *, capped: bool = False):
        number = super().__new__(cls, value)
        number.capped = capped
        return number

    def __str__(self) -> str:
        return f"{int(self)}+" if self.capped else str(int(self))

    __repr__ = __str__


def capped_count(queryset, cap: int | None = None) -> CappedCount:
    """The number of rows of ``queryset``, exact up to ``cap``; beyond it ``cap`` marked as capped."""
    cap = cap or count_cap()
    found = queryset.order_by()[: cap + 1].count()
    return CappedCount(min(found, cap), capped=found > cap)


class CappedPaginator(Paginator):
    """A ``Paginator`` whose count (and so its number of pages) stops at ``cap`` rows: "Page 1 of 400+"."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or count_cap()

    @cached_property
    def count(self) -> CappedCount:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def num_pages(self) -> CappedCount:
        return CappedCount(super().num_pages, capped=self.count.capped)


TILE_COUNT_CAP = 1_000


def tile_count(queryset) -> CappedCount:
    """A dashboard tile's figure: exact up to 1,000 rows, then "1000+" (the list behind the tile counts further),
    so a tile stops after a thousand matching rows whatever the size of the tables."""
    return capped_count(queryset, min(TILE_COUNT_CAP, count_cap()))


def page_of(request, queryset, per_page: int = 25):
    """A list page's requested page (capped count) and its query string without ``page``, for the pager's links
    (so filters and sorting survive paging)."""
    page = CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
