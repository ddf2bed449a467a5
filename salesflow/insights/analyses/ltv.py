"""Customer lifetime value (客户终身价值) estimate, in SQL (SQLite and PostgreSQL).

Per customer with signed agreements (status past draft / pending approval) up to the as-of day:
observed lifespan = days from its first to its last signed agreement, at least 365 (a single-order customer counts
as one year — the assumption for customers seen once); orders per year = agreements ÷ lifespan in years;
average order value = amount signed ÷ agreements.
Per customer class: LTV = average order value × average orders per year × expected lifespan (the class's average
observed lifespan in years). A top customer's LTV = its own average order value × its own orders per year × its
class's expected lifespan. Gross margin % = (line amount − quantity × product cost) ÷ line amount over the lines
whose product has a cost (the gross-margin figure's rule); LTV margin = LTV × that %, none where no cost is known."""

import datetime
from decimal import Decimal

from django.db import connection

from salesflow.catalog.models import Product
from salesflow.contracts.models import Agreement, AgreementLine
from salesflow.contracts.receivables.selectors import NOT_SIGNED
from salesflow.customers.models import Customer

TOP = 20


def _span():
    if connection.vendor == "postgresql":
        return "(MAX(a.signed_on) - MIN(a.signed_on))"
    return "(julianday(MAX(a.signed_on)) - julianday(MIN(a.signed_on)))"


def _ctes(customers, as_of: datetime.date):
    ids_sql, ids_params = customers.order_by().values("pk").query.sql_with_params()
    agreements, lines = Agreement._meta.db_table, AgreementLine._meta.db_table
    products, customer_table = Product._meta.db_table, Customer._meta.db_table
    placeholders = ", ".join(["%s"] * len(NOT_SIGNED))
    # Only our table names, placeholders and Django's compiled subquery are interpolated; values are parameters.
    sql = f"""
      WITH c AS (
        SELECT a.customer_id AS cid, cu.customer_class AS cls, cu.name AS name, COUNT(*) AS n,
               SUM(a.amount) AS total,
               CASE WHEN {_span()} >= 365 THEN {_span()} ELSE 365 END AS life_days
        FROM {agreements} a JOIN {customer_table} cu ON cu.id = a.customer_id
        WHERE a.status NOT IN ({placeholders}) AND a.signed_on <= %s AND a.customer_id IN ({ids_sql})
        GROUP BY a.customer_id, cu.customer_class, cu.name),
      m AS (
        SELECT a.customer_id AS cid, SUM(l.amount) AS costed, SUM(l.amount - l.quantity * p.cost) AS margin
        FROM {lines} l JOIN {agreements} a ON a.id = l.agreement_id JOIN {products} p ON p.id = l.product_id
        WHERE p.cost > 0 AND a.status NOT IN ({placeholders}) AND a.signed_on <= %s
              AND a.customer_id IN ({ids_sql})
        GROUP BY a.customer_id),
      k AS (
        SELECT c.cls AS cls, COUNT(*) AS customers, SUM(c.total) AS total, SUM(c.n) AS orders,
               AVG(c.n * 365.0 / c.life_days) AS per_year, AVG(c.life_days / 365.0) AS life_years,
               SUM(m.margin) AS margin, SUM(m.costed) AS costed
        FROM c LEFT JOIN m ON m.cid = c.cid GROUP BY c.cls)"""  # noqa: S608
    params = [*NOT_SIGNED, as_of, *ids_params, *NOT_SIGNED, as_of, *ids_params]
    return sql, params


def _dec(value, places="0.01"):
    return Decimal(str(value)).quantize(Decimal(places)) if value is not None else None


def lifetime_values(customers, as_of: datetime.date) -> dict:
    """Per class (with its customers' ids) and the top customers (three queries)."""
    sql, params = _ctes(customers, as_of)
    labels = dict(Customer.Class.choices)
    with connection.cursor() as cursor:
        cursor.execute(f"""{sql} SELECT cls, customers, total, orders, per_year, life_years, margin, costed
                           FROM k ORDER BY cls""", params)  # noqa: S608
        classes = []
        for cls, count, total, orders, per_year, life_years, margin, costed in cursor.fetchall():
            aov = Decimal(str(total)) / orders
            ltv = aov * Decimal(str(per_year)) * Decimal(str(life_years))
            ratio = Decimal(str(margin)) / Decimal(str(costed)) if costed else None
            classes.append({"class": cls, "label": str(labels.get(cls, cls)), "customers": count,
                            "average_order_value": _dec(aov), "orders_per_year": _dec(per_year, "0.01"),
                            "lifespan_years": _dec(life_years, "0.01"), "ltv": _dec(ltv),
                            "gross_margin_pct": _dec(ratio * 100, "0.1") if ratio is not None else None,
                            "ltv_margin": _dec(ltv * ratio) if ratio is not None else None})
        cursor.execute(f"{sql} SELECT cls, cid FROM c ORDER BY cid", params)  # noqa: S608
        members = {}
        for cls, cid in cursor.fetchall():
            members.setdefault(cls, []).append(cid)
        for row in classes:
            row["customer_ids"] = members.get(row["class"], [])
        cursor.execute(f"""{sql}
            SELECT c.cid, c.name, c.cls, c.n, c.total, c.life_days,
                   (c.total * 1.0 / c.n) * (c.n * 365.0 / c.life_days) * k.life_years AS ltv,
                   m.margin, m.costed
            FROM c JOIN k ON k.cls = c.cls LEFT JOIN m ON m.cid = c.cid
            ORDER BY ltv DESC, c.cid LIMIT {TOP}""", params)  # noqa: S608
        top = []
        for cid, name, cls, n, total, life_days, ltv, margin, costed in cursor.fetchall():
            ratio = Decimal(str(margin)) / Decimal(str(costed)) if costed else None
            ltv = Decimal(str(ltv))
            top.append({"customer_id": cid, "customer": name, "class": cls, "orders": n,
                        "amount": _dec(total), "average_order_value": _dec(Decimal(str(total)) / n),
                        "orders_per_year": _dec(n * 365 / Decimal(str(life_days)), "0.01"), "ltv": _dec(ltv),
                        "gross_margin_pct": _dec(ratio * 100, "0.1") if ratio is not None else None,
                        "ltv_margin": _dec(ltv * ratio) if ratio is not None else None})
    return {"rows": classes, "top": top}
