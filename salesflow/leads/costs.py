"""Lead source costs (投放成本): the one service that records them, used by the form, the API and the importer."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesflow.org import access
from salesflow.org.models import Role

from .models import LeadSource, SourceCost

COST_EDITORS = (Role.ADMIN, Role.DIRECTOR)


def may_edit_costs(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in COST_EDITORS))


def parse_month(text: str) -> datetime.date:
    """'2026-07' (or a date within the month) -> 2026-07-01; anything else raises ValidationError on 'month'."""
    text = (text or "").strip()
    try:
        if len(text) == 7 and text[4] == "-":
            return datetime.date(int(text[:4]), int(text[5:7]), 1)
        return datetime.date.fromisoformat(text).replace(day=1)
    except (ValueError, TypeError, IndexError):
        pass
    raise ValidationError({"month": _("Month: write it as YYYY-MM, e.g. 2026-07.")})


def set_source_cost(*, actor, source: LeadSource, month: datetime.date, amount, note: str = "") -> SourceCost:
    """Record (or change) what ``source`` cost in ``month``; audited like every other change."""
    if actor is not None:
        access.require_role(actor, *COST_EDITORS)
    month = month.replace(day=1)
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError):
        raise ValidationError({"amount": _("Amount: enter a number of yuan.")}) from None
    if amount < 0 or amount >= Decimal("1e16"):
        raise ValidationError({"amount": _("Amount: it cannot be negative or that large.")})
    if len(note) > 200 or "\x00" in note:
        raise ValidationError({"note": _("Note: at most 200 characters.")})
    with transaction.atomic():
        cost = SourceCost.objects.select_for_update().filter(source=source, month=month).first()
        if cost is None:
            return SourceCost.objects.create(source=source, month=month, amount=amount, note=note)
        cost.amount, cost.note = amount, note
        cost.save()
        return cost
