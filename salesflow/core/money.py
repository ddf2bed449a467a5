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


def format_money(value, unit: str = "yuan") -> str:
    """1234567.8 -> '1,234,567.80' (元) or '123.46万' (万元)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == "wan":
        return _("%(amount)s万") % {"amount": f"{(value / 10000).quantize(CENT, rounding=ROUND_HALF_UP):,}"}
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,}"
