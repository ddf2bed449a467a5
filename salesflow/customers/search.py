"""The customer search (page, API, export and pool all call ``CustomerQuerySet.search``) and its SQLite index.

What matches, on every database: name or phone contains the text (LIKE: ASCII case-insensitive), or the credit code
equals it upper-cased, or the e-mail equals it ignoring ASCII case. On SQLite a text of two or more characters first
narrows the rows to those the gram index (migration customers 0009) says can match, through indexes only; the same
conditions are then checked on those rows, so the result is exactly the full scan's. PostgreSQL serves the same
conditions from its trigram GIN indexes (migration 0006).
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

GRAMS = "customers_customer_gram"
MOST_GRAMS = 6  # intersecting more grams narrows little more; the LIKE check settles the rest
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def conditions(text: str) -> Q:
    return Q(name__icontains=text) | Q(phone__icontains=text) | Q(credit_code=text.upper()) | Q(email__iexact=text)


def grams(text: str) -> list[str]:
    """The two-character grams of ``text`` as the triggers store them (SQLite's ``lower()`` folds ASCII only)."""
    folded = text.translate(_ASCII_LOWER)
    return sorted({folded[i:i + 2] for i in range(len(folded) - 1)})


def candidates(text: str) -> RawSQL | None:
    """The ids of the customers that may match ``text`` (a superset, read through indexes), or None when the gram
    index cannot narrow it (a one-character text)."""
    found = grams(text)
    if not found:
        return None
    # A sample of the (sorted) grams: each one only narrows the candidates, the LIKE check decides.
    step = max(1, len(found) // MOST_GRAMS)
    chosen = found[::step][:MOST_GRAMS]
    # Only constant SQL is joined; the text travels as parameters.
    by_gram = " INTERSECT ".join([f"SELECT customer_id FROM {GRAMS} WHERE gram = %s"] * len(chosen))  # noqa: S608
    sql = (f"{by_gram} UNION SELECT id FROM customers_customer WHERE credit_code = %s AND NOT (credit_code = '') "  # noqa: S608
           "UNION SELECT id FROM customers_customer WHERE lower(email) = %s AND email <> ''")
    return RawSQL(sql, [*chosen, text.upper(), text.translate(_ASCII_LOWER)])  # noqa: S611


def search(queryset, text: str):
    if not text:
        return queryset
    if queryset.db and _vendor(queryset.db) == "sqlite":
        narrowed = candidates(text)
        if narrowed is not None:
            return queryset.filter(pk__in=narrowed).filter(conditions(text))
    return queryset.filter(conditions(text))


def _vendor(alias: str) -> str:
    from django.db import connections

    return connections[alias].vendor
