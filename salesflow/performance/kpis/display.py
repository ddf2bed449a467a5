"""How a KPI value reads: money in 元, counts, percentages, days; no data reads "暂无数据" (never a zero)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from salesflow.core.templatetags.salesflow_tags import money

from ..models import Kpi


def no_data() -> str:
    return _("No data yet")


def show(value: Decimal | None, unit: str) -> str:
    if value is None:
        return no_data()
    if unit == Kpi.Unit.AMOUNT:
        return money(value)
    number = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"
    if unit == Kpi.Unit.PERCENT:
        return f"{number}%"
    if unit == Kpi.Unit.DAYS:
        return _("%(n)s days") % {"n": number}
    if unit == Kpi.Unit.HOURS:
        return _("%(n)s h") % {"n": number}
    return number


def show_score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"
