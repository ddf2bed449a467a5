"""Document numbers (合同号 / 订单号 / 报价单号): ``next_number(kind, on)``.

A rule row (``NumberingRule``) gives the pattern and when its counter restarts; without a row the default pattern
below applies (counter restarting every month). The counter is one ``NumberSequence`` row per rule and period:
created if missing, then locked (``select_for_update``) and incremented in the caller's transaction, so two
concurrent documents never get the same number, and a number is never handed out twice (the counter only goes up,
whatever happens to the documents)."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from salesflow.contracts.models import NumberingRule, NumberSequence

DEFAULT_PATTERNS = {
    NumberingRule.Kind.QUOTATION: "BJ-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.CONTRACT: "HT-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.ORDER: "DD-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.INVOICE_REQUEST: "KP-{yyyy}{mm}-{seq:04}",
}
DEFAULT_RESET = NumberingRule.Reset.MONTHLY

_PLACEHOLDER = re.compile(r"\{(yyyy|yy|mm|dd|seq)(?::(0?\d{1,2}))?\}")


def validate_pattern(pattern: str) -> None:
    """A pattern must contain ``{seq}`` once and no unknown placeholder; raises ValueError with a readable message."""
    names = [m.group(1) for m in _PLACEHOLDER.finditer(pattern)]
    if names.count("seq") != 1:
        raise ValueError(_("The pattern must contain {seq} exactly once, e.g. HT-{yyyy}{mm}-{seq:04}."))
    leftover = _PLACEHOLDER.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        raise ValueError(_("Unknown placeholder: use only {yyyy} {yy} {mm} {dd} {seq} or {seq:04}."))


def format_number(pattern: str, on: datetime.date, seq: int) -> str:
    def replace(match):
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return f"{seq:0{int(width)}d}" if width else str(seq)
        return {"yyyy": f"{on.year:04d}", "yy": f"{on.year % 100:02d}", "mm": f"{on.month:02d}",
                "dd": f"{on.day:02d}"}[name]

    return _PLACEHOLDER.sub(replace, pattern)


def period_key(reset: str, on: datetime.date) -> str:
    if reset == NumberingRule.Reset.YEARLY:
        return f"{on.year:04d}"
    if reset == NumberingRule.Reset.MONTHLY:
        return f"{on.year:04d}{on.month:02d}"
    return ""


def rule_for(kind: str) -> NumberingRule:
    """The rule row for ``kind``, created with the default pattern the first time it is needed (the sequence rows
    hang off it)."""
    kind = NumberingRule.Kind(kind)
    rule = NumberingRule.objects.filter(kind=kind).first()
    if rule is None:
        try:
            with transaction.atomic():
                rule = NumberingRule.objects.create(kind=kind, pattern=DEFAULT_PATTERNS[kind], reset=DEFAULT_RESET)
        except IntegrityError:  # a concurrent first use created it
            rule = NumberingRule.objects.get(kind=kind)
    return rule


def next_number(kind: str, on: datetime.date) -> str:
    """The next number of ``kind`` for a document dated ``on``. Call inside the transaction that saves the
    document: the sequence row stays locked until it commits, so numbers come out in order and unique."""
    rule = rule_for(kind)
    period = period_key(rule.reset, on)
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(rule=rule, period=period)
        except IntegrityError:  # a concurrent caller inserted the row first; it exists now
            pass
        sequence = NumberSequence.objects.select_for_update().get(rule=rule, period=period)
        NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
        sequence.refresh_from_db(fields=["last"])
    return format_number(rule.pattern, on, sequence.last)
