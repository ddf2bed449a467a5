from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from salesflow.core.templatetags.salesflow_tags import money_short

register = template.Library()


@register.filter
def figure_text(value, unit="amount"):
    """A dashboard number as people read it: 123.5万 for money, 12.3% for a rate, 1,234 for a count; no value
    says 暂无数据 (no data yet) — never a zero that was not measured."""
    if value is None:
        return _("No data yet")
    if unit == "amount":
        return money_short(value)
    if unit == "percent":
        return f"{Decimal(value).quantize(Decimal('0.1'))}%"
    return intcomma(value)
