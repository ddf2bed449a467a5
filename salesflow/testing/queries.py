"""Counting the SQL statements of one request, for the query-count pins in each app's tests/test_query_counts.py.

A pin is measured twice, once with 2 and once with 20 records on the page (or children on a detail page): an N+1
makes the second figure larger, and any added query changes both, so both are compared with the pinned number.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of_get(client, path: str, **extra) -> int:
    """The number of SQL statements a GET of ``path`` runs (after one warm-up GET), asserting it answers 200."""
    assert client.get(path, **extra).status_code == 200, path
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def assert_pinned(client, path: str, grow, expected: int, **extra) -> None:
    """``grow(n)`` adds n records that ``path`` shows; the GET runs ``expected`` queries with 2 and with 20 of them."""
    grow(2)
    with_two = queries_of_get(client, path, **extra)
    grow(18)
    with_twenty = queries_of_get(client, path, **extra)
    assert (with_two, with_twenty) == (expected, expected), f"{path}: 2 records -> {with_two}, 20 -> {with_twenty}"
