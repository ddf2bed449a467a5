"""The chart spec every insights page hands to ``salesflow/dashboard.js`` (the dashboards' panels and the analyses):
plain data, no Plotly layout, so a page, its API and a test read the same thing::

    {"type": "bar" | "hbar" | "line" | "pie" | "funnel" | "gauge" | "scatter",
     "x": [labels, or numbers for a scatter],
     "series": [{"name": ..., "y": [numbers], "links": [the records behind each point, or None]}],
     "unit": "amount" | "count" | "percent"}

A money chart (``"unit": "amount"``) carries its axis unit, chosen by the rule of every amount on the page
(``money_axis``: 万 / 亿, ¥K / ¥M in English), never Plotly's k/M/G. Optional keys the drawing code reads:
``stacked`` (bars stack, negatives below the axis), ``x_title`` / ``y_title`` and ``guides`` ({"x": n, "y": n}: dotted
reference lines) for a scatter, whose series also carry ``text`` (a label per point), ``size`` (the bubble's
measure) and ``hover`` (what a point's tooltip adds)."""

from decimal import Decimal

from salesflow.core.templatetags.salesflow_tags import money_axis


def number(value):
    """A figure as JSON draws it: Decimals become floats (json_script would write them as strings); None stays."""
    return float(value) if isinstance(value, Decimal) else value


def series(name, y, links=(), **extra) -> dict:
    return {"name": str(name), "y": [number(v) for v in y], "links": list(links),
            **{k: [number(v) for v in values] if k == "size" else list(values) for k, values in extra.items()}}


def chart(kind: str, x, series_list, *, unit: str = "count", **options) -> dict:
    spec = {"type": kind, "x": [number(v) for v in x], "series": list(series_list), "unit": unit, **options}
    return with_money_axis(spec)


def with_money_axis(spec: dict) -> dict:
    """Give a money chart its axis (divisor and title) from its largest value, as the dashboards' panels do."""
    if spec.get("unit") == "amount" and spec.get("series"):
        largest = max((abs(v) for s in spec["series"] for v in s["y"] if v is not None), default=0)
        divisor, title = money_axis(largest)
        spec["axis"] = {"divisor": divisor, "title": title}
    return spec
