from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from salesflow.core.periods import period_choices

register = template.Library()

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, places=2):
    """1234567.8 -> '¥1,234,567.80' (``|money:0`` -> '¥1,234,568'); None -> '—'."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def _short_number(amount: Decimal, unit: Decimal) -> str:
    scaled = (amount / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{scaled:,}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def money_short(value):
    """Where space is short (tiles, charts, kanban): '¥9,800', '123.5万', '1.2亿' (English: ¥123.5K, ¥1.2M, ¥1.2B)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if (get_language() or "").startswith("zh"):
        if amount >= YI:
            return f"{sign}{_short_number(amount, YI)}亿"
        if amount >= WAN:
            return f"{sign}{_short_number(amount, WAN)}万"
        return sign + money(amount, 0)
    for unit, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "K")):
        if amount >= unit:
            return f"{sign}¥{_short_number(amount, unit)}{suffix}"
    return sign + money(amount, 0)


def money_axis(largest) -> tuple[int, str]:
    """The unit a chart's money axis counts in, by the same rule as ``money_short``: (divisor, axis title), e.g.
    (10000, "万元") in Chinese, (1000000, "¥M") in English; (1, "¥") for small amounts."""
    amount = abs(_decimal(largest) or Decimal(0))
    if (get_language() or "").startswith("zh"):
        for unit, title in ((YI, "亿元"), (WAN, "万元")):
            if amount >= unit:
                return int(unit), title
        return 1, "元"
    for unit, title in ((Decimal(10**9), "¥B"), (Decimal(10**6), "¥M"), (Decimal(10**3), "¥K")):
        if amount >= unit:
            return int(unit), title
    return 1, "¥"


@register.inclusion_tag("includes/period_select.html")
def period_select(selected="", name="period", blank=False):
    """A select of quarters, months and years around today instead of a free-text period."""
    selected = str(selected or "")
    return {"name": name, "selected": selected, "blank": blank,
            "groups": period_choices(timezone.localdate(), selected)}


def _model_field(path: str):
    """'pipeline.Opportunity.status' -> that model field (None when it does not exist)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    app_label, model_name, field_name = path.split(".")
    try:
        return apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        return None


@register.filter
def choice_label(code, field_path):
    """A stored code shown by its label: ``{{ "won"|choice_label:"pipeline.Opportunity.status" }}`` -> 赢单."""
    if code in (None, ""):
        return "—"
    field = _model_field(field_path)
    if field is None or not field.choices:
        return code
    return dict(field.flatchoices).get(code, code)


def _audit_labels(model_path: str) -> dict:
    """A model's ``AUDIT_LABELS``: labels of the non-field names its audit entries record changes under."""
    from django.apps import apps

    try:
        return getattr(apps.get_model(model_path), "AUDIT_LABELS", {})
    except (LookupError, ValueError):
        return {}


@register.filter
def field_label(field_name, model_path):
    """A field name shown by its verbose name: ``{{ "amount"|field_label:"pipeline.Opportunity" }}`` -> 金额."""
    field = _model_field(f"{model_path}.{field_name}")
    label = getattr(field, "verbose_name", None)
    if field is None:  # a change recorded under a name that is not a field, e.g. an agreement's "payment_plan"
        label = _audit_labels(model_path).get(field_name)
    return str(label)[:1].upper() + str(label)[1:] if label else field_name


@register.simple_tag
def password_reset_enabled():
    """True when the server can send mail, so the login page may offer "forgot password"."""
    from django.conf import settings

    return bool(settings.EMAIL_HOST)


@register.filter
def audit_note(note):
    """An audit entry's note with its origin (``system`` / ``cli: …``) in the reader's language: 系统, 命令行."""
    from salesflow.core.audit_display import _readable_note

    return _readable_note(note)
