"""Product portfolio (BCG) matrix per product series.

Amount = net line amount of agreements signed in the span (the gross-margin figure's rows in performance.figures).
Span = the chosen period up to the as-of day; growth compares it with the same days one year earlier.
Relative share = the series' amount ÷ the largest series' amount (the leader has 1.0).
Quadrants: growth ≥ 10 % is high; relative share ≥ the median of the series' relative shares is high.
明星 star = high share, high growth; 现金牛 cash cow = high share, low growth;
问题 question = low share, high growth; 瘦狗 dog = low share, low growth.
A series with nothing signed a year earlier has no growth (暂无数据) and no quadrant."""

import datetime
from decimal import Decimal
from statistics import median

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from salesflow.performance.figures import records

GROWTH_THRESHOLD = Decimal(10)  # %
QUADRANTS = {"star": _("Star"), "cash_cow": _("Cash cow"), "question": _("Question mark"), "dog": _("Dog")}


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _by_series(agreements, first, last) -> dict[str, Decimal]:
    lines = records("gross_margin", first, last).filter(agreement__in=agreements.values("pk"),
                                                        product__isnull=False)
    return {row["product__series"]: row["amount"] or Decimal(0)
            for row in lines.order_by().values("product__series").annotate(amount=Sum("amount"))}


def portfolio(agreements, first: datetime.date, last: datetime.date) -> dict:
    """Per series: amount now and a year earlier, growth %, relative share and quadrant (two grouped queries)."""
    before_first, before_last = _year_earlier(first), _year_earlier(last)
    now = _by_series(agreements, first, last)
    before = _by_series(agreements, before_first, before_last)
    leader = max(now.values(), default=Decimal(0))
    rows = []
    for series in sorted(now, key=lambda s: (-now[s], s)):  # one row per product series (a handful), not per record
        amount = Decimal(now[series]).quantize(Decimal("0.01"))
        last_year = Decimal(before.get(series) or 0).quantize(Decimal("0.01"))
        share = (amount / leader).quantize(Decimal("0.001")) if leader else None
        growth = ((amount - last_year) / last_year * 100).quantize(Decimal("0.1")) if last_year else None
        rows.append({"series": series, "amount": amount, "last_year": last_year, "growth": growth,
                     "relative_share": share})
    shares = [r["relative_share"] for r in rows if r["relative_share"] is not None]
    median_share = Decimal(median(shares)).quantize(Decimal("0.001")) if shares else None
    for row in rows:
        if row["growth"] is None or median_share is None:
            row["quadrant"] = None
            continue
        high_share, high_growth = row["relative_share"] >= median_share, row["growth"] >= GROWTH_THRESHOLD
        row["quadrant"] = ("star" if high_growth else "cash_cow") if high_share else (
            "question" if high_growth else "dog")
    return {"first": first, "last": last, "compared_first": before_first, "compared_last": before_last,
            "growth_threshold": GROWTH_THRESHOLD, "median_share": median_share, "rows": rows}
