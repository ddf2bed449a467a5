"""``salesflow import targets FILE`` (and the import page): rows of year, period, node, measure, amount (or 年度, 期间,
节点, 指标, 金额). A node is ``company`` (公司), a team's name or a username. Every problem of every row is reported
and nothing is written when one row is bad; the cells go into the year's draft plan for that measure (created, or
revised from the approved plan, when missing) through :func:`services.set_cells`, the service the form uses."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, cached, register
from salesflow.core.periods import parse_period

from ..models import Measure
from . import services
from .tree import OrgTree

FIELDS = ("year", "period", "node", "measure", "amount")
COLUMNS = [
    Column("year", "年度", "year", required=True, hint=gettext_lazy("e.g. 2027")),
    Column("period", "期间", "period", required=True, hint=gettext_lazy("2027, 2027-Q1, 2027-03 or 2027-W05")),
    Column("node", "节点", "node", required=True, hint=gettext_lazy("company, a team's name or a username")),
    Column("measure", "指标", "measure", required=True, hint=gettext_lazy("e.g. signed_amount, collected_amount")),
    Column("amount", "金额", "amount", required=True, hint=gettext_lazy("the target, e.g. 120000.00")),
]


def _tree():
    return cached("targets-tree", "", lambda _value: OrgTree.load())


def _measures():
    return cached("targets-measures", "", lambda _value: set(Measure.objects.values_list("key", flat=True)))


def prepare(values, actor, key):
    errors = {}
    year = None
    try:
        year = int(values.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = _("Enter a year such as 2027.")
    label = ""
    try:
        period = parse_period(values.get("period", ""))
        label = period.label
        if year is not None and period.start.year != year and period.kind != "week":
            errors["period"] = _("%(period)s is not a period of this plan's year %(year)s.") % {
                "period": label, "year": year}
    except ValueError as error:
        errors["period"] = str(error)
    tree = _tree()
    node = tree.find(values.get("node", ""))
    if node is None:
        errors["node"] = _("Unknown node %(node)s.") % {"node": values.get("node", "")}
    elif not services.can_allocate(actor, tree, node):
        errors["node"] = _("You may not plan targets for this node.")
    measure = values.get("measure", "").strip()
    if measure not in _measures():
        errors["measure"] = _("Unknown measure.")
    try:
        amount = services._amount(values.get("amount", "").replace(",", ""))
    except ValidationError as error:
        errors.update(error.message_dict)
        amount = None
    if errors:
        raise ValidationError(errors)
    return (year, measure, node, label, amount), True


def save_new(prepared_rows, actor):
    by_plan = defaultdict(list)
    for year, measure, node, label, amount in prepared_rows:
        by_plan[year, measure].append((node, label, amount))
    tree = _tree()
    for (year, measure), cells in by_plan.items():
        plan = services.draft_for(actor=actor, year=year, measure=measure)
        services.set_cells(actor=actor, plan=plan, cells=cells, tree=tree)


def save(prepared, values, actor):
    save_new([prepared], actor)


IMPORTER = register(Importer(
    name="targets", label=gettext_lazy("Targets"), columns=COLUMNS,
    keys={"cell": gettext_lazy("Year, period, node and measure")}, default_key="cell",
    key_of=lambda values, key: "|".join(str(values.get(f, "")).strip().lower() for f in FIELDS[:4]),
    prepare=prepare, save=save, save_new=save_new,
))
