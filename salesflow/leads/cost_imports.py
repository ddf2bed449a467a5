"""``salesflow import source-costs FILE``: what each lead source cost per month (columns source, month YYYY-MM,
amount; Chinese or English headers). Each row goes through ``costs.set_source_cost`` (as the form and the API do);
a source and month already recorded are updated. Every bad row is reported and then nothing is written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.contracts.imports.cells import parse_money
from salesflow.core.imports import LINE, Column, Importer, cached, is_writing, register
from salesflow.customers.imports import Problems

from .costs import parse_month, set_source_cost
from .models import LeadSource, SourceCost

COLUMNS = [
    Column("source", "线索来源", "source", required=True, aliases=("来源",),
           hint=gettext_lazy("The name of a lead source, as in the lead settings.")),
    Column("month", "月份", "month", required=True, hint=gettext_lazy("YYYY-MM, e.g. 2026-07.")),
    Column("amount", "金额", "amount", required=True, aliases=("成本", "费用"),
           hint=gettext_lazy("In yuan, zero or more, at most two decimal places.")),
    Column("note", "备注", "note"),
]


@dataclass
class CostRow:
    source: LeadSource | None
    data: dict


def prepare_cost(values: dict, actor, key):
    problems = Problems()
    name = values.get("source", "").strip()
    source = LeadSource.objects.filter(name=name).first() if name else None
    if name and source is None:
        problems.add("source", _("No lead source named “%(name)s”.") % {"name": name})
    month = None
    if values.get("month", "").strip():
        try:
            month = parse_month(values["month"])
        except ValidationError as exc:
            problems.add_error(exc)
    amount = parse_money(values, "amount", problems, positive=False)
    for field in ("source", "month", "amount"):
        if not values.get(field, "").strip() and field not in problems:
            problems.add(field, _("This column is required."))
    note = values.get("note", "")
    if len(note) > 200:
        problems.add("note", _("Note: at most 200 characters."))
    problems.raise_if_any()
    if not is_writing():
        lines = cached("source-cost-lines", "", lambda _key: {})
        seen = lines.get((source.pk, month))
        if seen:
            problems.add("month", _("The same source and month as line %(line)s.") % {"line": seen})
            problems.raise_if_any()
        lines[(source.pk, month)] = values.get(LINE, "?")
    created = not SourceCost.objects.filter(source=source, month=month).exists()
    return CostRow(source, {"month": month, "amount": amount, "note": note}), created


def save_cost(row: CostRow, values, actor):
    return set_source_cost(actor=actor, source=row.source, **row.data)


register(Importer(
    name="source-costs", label=gettext_lazy("Lead source costs"), columns=COLUMNS,
    keys={"source_month": gettext_lazy("Source and month")}, default_key="source_month",
    key_of=lambda values, key: None,  # (source, month) is matched in prepare_cost, after parsing
    prepare=prepare_cost, save=save_cost,
))
