"""Document numbers: ``next_number(kind, on)`` from the kind's NumberingRule (or its default pattern).

Stand-in written on the ``quotes`` branch with the interface agreed in the brief; the agreements branch owns this
module and keeps one of the two at merge. The counter row is incremented under ``select_for_update``, so two
concurrent documents never get the same number, and a number is never handed out twice."""

import re
from datetime import date

from django.db import transaction
from django.db.models import F

from salesflow.contracts.models import NumberingRule, NumberSequence

DEFAULT_PATTERNS = {
    NumberingRule.Kind.QUOTATION: "BJ-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.CONTRACT: "HT-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.ORDER: "DD-{yyyy}{mm}-{seq:04}",
    NumberingRule.Kind.INVOICE_REQUEST: "KP-{yyyy}{mm}-{seq:04}",
}
SEQ = re.compile(r"\{seq(?::(\d+))?\}")


def _period(rule: NumberingRule, on: date) -> str:
    return {NumberingRule.Reset.NEVER: "", NumberingRule.Reset.YEARLY: f"{on:%Y}"}.get(rule.reset, f"{on:%Y%m}")


def render(pattern: str, on: date, seq: int) -> str:
    text = (pattern.replace("{yyyy}", f"{on:%Y}").replace("{yy}", f"{on:%y}").replace("{mm}", f"{on:%m}")
            .replace("{dd}", f"{on:%d}"))
    return SEQ.sub(lambda m: str(seq).zfill(int(m.group(1) or 0)), text)


@transaction.atomic
def next_number(kind: str, on: date) -> str:
    rule, _created = NumberingRule.objects.get_or_create(kind=kind, defaults={"pattern": DEFAULT_PATTERNS[kind]})
    period = _period(rule, on)
    NumberSequence.objects.get_or_create(rule=rule, period=period)
    sequence = NumberSequence.objects.select_for_update().get(rule=rule, period=period)
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    return render(rule.pattern, on, sequence.last + 1)
