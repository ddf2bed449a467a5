"""RFM segmentation, in SQL (one CTE with NTILE windows; SQLite ≥ 3.25 and PostgreSQL alike).

Per customer with at least one signed agreement (status past draft / pending approval), as of a day:
R = days since its last signed agreement, F = agreements signed in the last 365 days, M = amount signed in them.
Each is scored 1–5 by quintile (NTILE(5); 5 = most recent / most frequent / largest; ties split by customer id),
and R, F, M are "high" when the score is above the mean score of the customers analysed. The 8 classic segments
follow from high/low R, F, M. Customers with no signed agreement at all are counted apart, never scored."""

import datetime
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from salesflow.contracts.models import Agreement
from salesflow.contracts.receivables.selectors import NOT_SIGNED

WINDOW_DAYS = 365

# (R high, F high, M high) -> segment key, label
SEGMENTS = {
    (True, True, True): ("important_value", _("Important value customers")),
    (True, False, True): ("important_develop", _("Important customers to develop")),
    (False, True, True): ("important_keep", _("Important customers to keep")),
    (False, False, True): ("important_retain", _("Important customers to win back")),
    (True, True, False): ("general_value", _("General value customers")),
    (True, False, False): ("general_develop", _("General customers to develop")),
    (False, True, False): ("general_keep", _("General customers to keep")),
    (False, False, False): ("general_retain", _("General customers to win back")),
}
SEGMENT_ORDER = [key for key, _label in SEGMENTS.values()]
SEGMENT_LABELS = dict(SEGMENTS.values())


def _scored_sql(customers, as_of: datetime.date):
    ids_sql, ids_params = customers.order_by().values("pk").query.sql_with_params()
    since = as_of - datetime.timedelta(days=WINDOW_DAYS - 1)
    table = Agreement._meta.db_table
    placeholders = ", ".join(["%s"] * len(NOT_SIGNED))
    # Only our table name, placeholders and Django's compiled subquery are interpolated; every value is a parameter.
    sql = f"""
      WITH base AS (
        SELECT a.customer_id AS cid, MAX(a.signed_on) AS last_on,
               SUM(CASE WHEN a.signed_on >= %s THEN 1 ELSE 0 END) AS f,
               SUM(CASE WHEN a.signed_on >= %s THEN a.amount ELSE 0 END) AS m
        FROM {table} a
        WHERE a.status NOT IN ({placeholders}) AND a.signed_on <= %s AND a.customer_id IN ({ids_sql})
        GROUP BY a.customer_id),
      scored AS (
        SELECT cid, last_on, f, m,
               NTILE(5) OVER (ORDER BY last_on, cid) AS rs,
               NTILE(5) OVER (ORDER BY f, cid) AS fs,
               NTILE(5) OVER (ORDER BY m, cid) AS ms
        FROM base),
      means AS (SELECT AVG(rs * 1.0) AS ar, AVG(fs * 1.0) AS af, AVG(ms * 1.0) AS am FROM scored),
      s AS (
        SELECT cid, last_on, f, m, rs, fs, ms,
               CASE WHEN rs > ar THEN 1 ELSE 0 END AS rh, CASE WHEN fs > af THEN 1 ELSE 0 END AS fh,
               CASE WHEN ms > am THEN 1 ELSE 0 END AS mh
        FROM scored CROSS JOIN means)"""  # noqa: S608
    return sql, [since, since, *NOT_SIGNED, as_of, *ids_params]


def rfm_segments(customers, as_of: datetime.date) -> dict:
    """Counts, amounts and members per segment (two queries), the mean scores, and the customers without orders."""
    sql, params = _scored_sql(customers, as_of)
    with connection.cursor() as cursor:
        cursor.execute(f"""{sql}
            SELECT rh, fh, mh, COUNT(*), COALESCE(SUM(m), 0), AVG(rs * 1.0), AVG(fs * 1.0), AVG(ms * 1.0)
            FROM s GROUP BY rh, fh, mh""", params)  # noqa: S608
        grouped = cursor.fetchall()
        cursor.execute(f"{sql} SELECT rh, fh, mh, cid FROM s ORDER BY cid", params)  # noqa: S608
        members = {}
        for rh, fh, mh, cid in cursor.fetchall():
            members.setdefault(SEGMENTS[(bool(rh), bool(fh), bool(mh))][0], []).append(cid)
    segments = {key: {"segment": key, "label": str(SEGMENT_LABELS[key]), "count": 0, "amount": Decimal("0.00"),
                      "customer_ids": []} for key in SEGMENT_ORDER}
    for rh, fh, mh, count, amount, _r, _f, _m in grouped:
        key = SEGMENTS[(bool(rh), bool(fh), bool(mh))][0]
        segments[key].update(count=count, amount=Decimal(str(amount)).quantize(Decimal("0.01")),
                             customer_ids=members.get(key, []))
    return {"segments": [segments[k] for k in SEGMENT_ORDER]}


def customers_without_orders(customers, as_of: datetime.date):
    signed = Agreement.objects.exclude(status__in=NOT_SIGNED).filter(signed_on__lte=as_of).values("customer_id")
    return customers.exclude(pk__in=signed)
