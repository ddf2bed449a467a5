"""Money is Decimal with two places; shown in 元 or 万元."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def MoneyField(verbose_name, **kwargs):  # noqa: N802  (reads like a field class at the call site)
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)


def to_money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total, weights) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts add up to it to the cent.

    The one rounding rule for every split (targets down the tree and over time): each part is rounded down to the
    cent, then the cents left over go one each to the parts with the largest remainders (ties: the earlier part).
    All weights zero (or none positive): an even split. A negative weight counts as zero.
    """
    total = to_money(total)
    weights = [max(Decimal(str(w or 0)), Decimal(0)) for w in weights]
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [Decimal(1)] * len(weights)
    whole = sum(weights)
    cents = int(total / CENT)
    exact = [Decimal(cents) * w / whole for w in weights]
    parts = [int(e // 1) for e in exact]  # floor, also for a negative total
    left = cents - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def format_money(value, unit: str = "yuan") -> str:
    """1234567.8 -> '1,234,567.80' (元) or '123.46万' (万元)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == "wan":
        return _("%(amount)s万") % {"amount": f"{(value / 10000).quantize(CENT, rounding=ROUND_HALF_UP):,}"}
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,}"
