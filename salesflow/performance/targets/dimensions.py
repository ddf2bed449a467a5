"""The optional further split of a target (a rep's or a team's, for one period) by one dimension the plan chooses:
region (the top-level sales regions; a region counts its sub-regions), product series (catalog.Product.series) or
customer class (A/B/C). Children are ``Target`` cells with ``dimension`` = ``region:<id>``, ``series:<name>`` or
``class:<A>``, split evenly, by last year's share of the node's actual in that value, or by hand, always adding up
to the node's figure to the cent (:func:`salesflow.core.money.allocate`; by hand: refused unless exact).

Completion per value reads the plan's figure filtered by that value (``figures.actuals(..., dimension=)``); a
measure whose rows do not carry the dimension (e.g. collected amount by product series: a payment is not of a
series) is refused when the plan chooses it (``figures.DIMENSIONS`` says which measure supports which)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesflow.catalog.models import Product
from salesflow.core.money import allocate, to_money
from salesflow.core.periods import parse_period
from salesflow.customers.models import Customer
from salesflow.org.models import Region
from salesflow.performance import figures

from ..models import Target
from . import services
from .tree import OrgTree, node_ids

ZERO = Decimal("0.00")
METHODS = ("even", "last_year", "manual")


def check_supported(measure, kind: str) -> None:
    """Refuse a dimension the plan's measure cannot be split by, naming what it can."""
    if not kind:
        return
    if kind not in figures.DIMENSION_KINDS:
        raise ValidationError({"dimension_kind": _("Choose region, product series or customer class.")})
    try:
        figures.dimension_figure(measure.figure, kind)
    except ValueError as error:
        raise ValidationError({"dimension_kind": str(error)}) from None


def values(kind: str) -> list[tuple[str, str]]:
    """(dimension key, label) of every value of a kind, in a stable order."""
    if kind == "class":
        return [(f"class:{v}", str(label)) for v, label in Customer.Class.choices]
    if kind == "series":
        names = (Product.objects.exclude(series="").order_by("series").values_list("series", flat=True).distinct())
        return [(f"series:{name}", name) for name in names]
    if kind == "region":
        return [(f"region:{pk}", name) for pk, name in
                Region.objects.filter(parent__isnull=True).order_by("path").values_list("pk", "name")]
    return []


def _node_amount(plan, node, label) -> Decimal:
    return (Target.objects.filter(plan=plan, node=node, period=label, dimension="")
            .values_list("amount", flat=True).first() or ZERO)


def _last_year(plan, tree, node, label, keys) -> list[Decimal]:
    period = parse_period(label)
    first = period.start.replace(year=period.start.year - 1)
    last = period.end.replace(year=period.end.year - 1) if not (period.end.month == 2 and period.end.day == 29) \
        else datetime.date(period.end.year - 1, 2, 28)
    people = tree.people(node)
    return [sum(figures.actuals(plan.measure.figure, first, last, owners=people, dimension=key).values(), ZERO)
            for key in keys]


def _value_amount(label: str, value) -> Decimal:
    """One value's amount by hand; a typo or a negative amount is refused naming the value."""
    try:
        return services._amount(value)  # noqa: SLF001 (the one rule of what a target amount is)
    except ValidationError as error:
        raise ValidationError({"amounts": _("%(value)s: %(error)s") % {"value": label,
                                                                      "error": " ".join(error.messages)}}) from None


@transaction.atomic
def split_dimension(*, actor, plan, node: str, period: str, method: str = "even", amounts: dict | None = None,
                    version=None) -> services.SplitResult:
    """Split ``node``'s figure for ``period`` among the values of the plan's dimension: ``even``, ``last_year``
    (each value's share of the node's actual a year before; evenly, and said so, when there is none) or
    ``manual`` (``amounts`` maps dimension keys to amounts; refused unless they add up to the figure)."""
    plan = services._locked_draft(plan, version)  # noqa: SLF001 (the one lock-and-version rule of plans)
    if not plan.dimension_kind:
        raise ValidationError({"dimension": _("This plan is not split further by a dimension.")})
    tree = OrgTree.load()
    services._require(node in tree and node != "company" and services.can_allocate(actor, tree, node))  # noqa: SLF001
    if method not in METHODS:
        raise ValidationError({"method": _("Choose evenly, by last year's share or by hand.")})
    label = services._plan_period(plan, period).label  # noqa: SLF001
    keys = [key for key, _label in values(plan.dimension_kind)]
    if not keys:
        raise ValidationError({"dimension": _("There are no values to split by yet.")})
    total, note = _node_amount(plan, node, label), ""
    if method == "manual":
        amounts = amounts or {}
        unknown = [str(k) for k in amounts if k not in keys]
        if unknown:
            raise ValidationError({"amounts": _("Not a value of this dimension: %(values)s")
                                   % {"values": ", ".join(unknown)}})
        parts = [_value_amount(label, amounts.get(key, 0)) for key, label in values(plan.dimension_kind)]
        services._refuse_unless_exact(tree, node, label, total, sum(parts, ZERO))  # noqa: SLF001
    else:
        weights = [1] * len(keys)
        if method == "last_year":
            weights = _last_year(plan, tree, node, label, keys)
            if not any(weights):
                note = _("Last year has no actuals for this node: split evenly instead.")
        parts = allocate(total, weights)
    existing = {t.dimension: t for t in Target.objects.filter(plan=plan, node=node, period=label)
                .exclude(dimension="")}
    for key, part in zip(keys, parts, strict=True):
        cell = existing.get(key) or Target(plan=plan, period=label, dimension=key, **node_ids(node))
        cell.amount = to_money(part)
        cell.save()
    services._touch(plan, "split_dimension",  # noqa: SLF001 (bumps the version: a second split from the old page is stale)
                    {"node": node, "period": label, "method": method, "cells": len(keys), "fallback": note})
    return services.SplitResult(len(keys), note)


def dimension_mismatches(plan) -> list[services.Mismatch]:
    """Every node and period whose dimension children do not add up to its figure (its target changed after the
    split): axis ``dimension``."""
    if not plan.dimension_kind:
        return []
    sums: dict[tuple[str, str], Decimal] = {}
    for cell in Target.objects.filter(plan=plan).exclude(dimension="").only("node", "period", "amount"):
        sums[(cell.node, cell.period)] = sums.get((cell.node, cell.period), ZERO) + cell.amount
    if not sums:
        return []
    parents = {(t.node, t.period): t.amount for t in Target.objects.filter(plan=plan, dimension="").only(
        "node", "period", "amount") if (t.node, t.period) in sums}
    return [services.Mismatch("dimension", node, label, parents.get((node, label), ZERO), total)
            for (node, label), total in sorted(sums.items()) if parents.get((node, label), ZERO) != total]


def completion_by_value(plan, node: str, period: str, tree: OrgTree | None = None) -> list[dict]:
    """For a node and period of a plan with a dimension: each value's target (None when not split), actual and
    completion %; the actual is the plan's figure filtered by the value, over the node's people."""
    tree = tree or OrgTree.load()
    label = parse_period(period).label
    span = parse_period(label)
    targets = dict(Target.objects.filter(plan=plan, node=node, period=label).exclude(dimension="")
                   .values_list("dimension", "amount"))
    people = tree.people(node)
    rows = []
    for key, name in values(plan.dimension_kind):
        actual = sum(figures.actuals(plan.measure.figure, span.start, span.end, owners=people,
                                     dimension=key).values(), ZERO)
        target = targets.get(key)
        pct = (actual * 100 / target).quantize(Decimal("0.1")) if target else None
        rows.append({"dimension": key, "label": name, "target": target, "actual": actual, "completion_pct": pct})
    return rows
