"""Reading one cell of an order-to-cash file: dates, money, rates and choices, each problem named in Chinese
(through gettext) and collected in the row's :class:`~salesflow.customers.imports.Problems`."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from salesflow.core.imports import cached
from salesflow.core.validators import validate_business_date
from salesflow.customers.imports import Problems

from ..models import Agreement

MONEY_PLACES = Decimal("0.01")


def parse_date(values: dict, name: str, problems: Problems) -> datetime.date | None:
    """YYYY-MM-DD (an XLSX date cell arrives in that form too; 2026/1/5 is read as well)."""
    raw = values.get(name, "")
    if not raw:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", raw)
    try:
        value = datetime.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        value = None
    if value is None:
        problems.add(name, _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31.")
                     % {"value": raw})
        return None
    try:
        validate_business_date(value)
    except Exception as exc:  # noqa: BLE001  (a ValidationError; its messages are the row's problem)
        problems.add(name, list(getattr(exc, "messages", [str(exc)])))
        return None
    return value


def parse_decimal(values: dict, name: str, problems: Problems) -> Decimal | None:
    raw = values.get(name, "")
    if not raw:
        return None
    text = raw.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.add(name, _("“%(value)s” is not a number.") % {"value": raw})
        return None
    return value


def parse_money(values: dict, name: str, problems: Problems, *, positive: bool = True) -> Decimal | None:
    value = parse_decimal(values, name, problems)
    if value is None:
        return None
    if value != value.quantize(MONEY_PLACES):
        problems.add(name, _("An amount has at most two decimal places (fen)."))
        return None
    if value.adjusted() >= 16:
        problems.add(name, _("The amount is too large."))
        return None
    if positive and value <= 0:
        problems.add(name, _("The amount must be greater than zero."))
        return None
    if value < 0:
        problems.add(name, _("Must not be negative."))
        return None
    return value.quantize(MONEY_PLACES)


def parse_rate(values: dict, name: str, problems: Problems) -> Decimal | None:
    """A tax rate in percent: 13, 13% or 0.13 (a fraction below 1 is read as a share: 0.13 = 13%)."""
    raw = values.get(name, "")
    if not raw:
        return None
    percent = raw.strip().endswith("%")
    value = parse_decimal({name: raw.strip().rstrip("%")}, name, problems)
    if value is None:
        return None
    if not percent and 0 < value < 1:
        value *= 100
    if not 0 <= value <= 100:
        problems.add(name, _("A tax rate lies between 0 and 100 (percent)."))
        return None
    return value.quantize(Decimal("0.01"))


def parse_int(values: dict, name: str, problems: Problems, *, maximum: int = 32767) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if not re.fullmatch(r"\d+", raw):
        problems.add(name, _("“%(value)s” is not a whole number of days.") % {"value": raw})
        return None
    if int(raw) > maximum:
        problems.add(name, _("At most %(max)s days.") % {"max": maximum})
        return None
    return int(raw)


def parse_choice(values: dict, name: str, problems: Problems, choices, synonyms: dict[str, str] | None = None):
    """A choice by its value, its label in either language, or a synonym (合同, 专票…)."""
    raw = values.get(name, "")
    if not raw:
        return None
    wanted = raw.strip().lower()
    for value, label in choices:
        if wanted in {str(value).lower(), str(label).lower()}:
            return value
    for synonym, value in (synonyms or {}).items():
        if wanted == synonym.lower():
            return value
    allowed = [str(v) for v, _label in choices] + [s for s in (synonyms or {}) if not s.isascii()]
    problems.add(name, _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                 % {"value": raw, "allowed": ", ".join(allowed)})
    return None


def require(values: dict, names, problems: Problems) -> None:
    """The required cells of a row (the same message the import framework gives, so it is reported once)."""
    for name in names:
        if not values.get(name):
            problems.add(name, _("This value is required."))


def find_agreement(number: str) -> Agreement | None:
    """The agreement with this number (any owner; the caller checks the actor's rights)."""
    return cached("agreement", number, lambda n: Agreement.objects.select_related("owner").filter(number=n).first())


def running_total(kind: str, agreement_id: int) -> dict:
    """Within one import check, the amounts earlier rows of the file add to an agreement (not yet written)."""
    return cached(kind, agreement_id, lambda _pk: {"sum": Decimal(0)})
