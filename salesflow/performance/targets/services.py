"""Planning targets: create a plan, split it over time and over the organisation, set cells by hand, submit
bottom-up figures, approve and revise. Every change is one transaction, audited on the plan, and every split goes
through :func:`salesflow.core.money.allocate`, so children add up to their parent to the cent.

How the two axes stay consistent: a node's time split fills its quarters, months (and weeks) from its year; an
organisation split divides the node's finest periods (months, or weeks) among its children — each month in
proportion to what each child has still to receive of its year total, the last month taking what rounding left — and
sets each child's
quarters and year as the sums of its months. So after an org split every parent equals the sum of its children in
every period, and every child's year equals the sum of its quarters and months.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.money import allocate, to_money
from salesflow.core.periods import Period, parse_period, period_children, period_of, year_periods
from salesflow.org import access
from salesflow.org.models import Role
from salesflow.performance import figures

from ..models import Measure, Target, TargetPlan
from .tree import COMPANY, OrgTree, node_ids

ZERO = Decimal("0.00")


# --- who may do what ---------------------------------------------------------------------------------------------

def can_plan(actor) -> bool:
    """Create, approve and revise the company plan: directors and administrators. ``None`` is the system (the
    command line without --user), as for every importer."""
    if actor is None:
        return True
    return bool(actor and actor.is_authenticated and actor.is_active
                and (actor.is_superuser or actor.role in (Role.ADMIN, Role.DIRECTOR)))


def can_allocate(actor, tree: OrgTree, node: str) -> bool:
    """Split or set a node's figures: the company for directors/admins; a team or rep for a manager or above who
    oversees it (a team in their team subtree; a rep per ``access.oversees``). ``None``: the system."""
    if actor is None:
        return True
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_manager_or_above):
        return False
    if can_plan(actor):
        return True
    info = tree.nodes.get(node)
    if info is None or info.kind == "company":
        return False
    if info.kind == "team":
        return info.team_id in access.team_subtree_ids(actor)
    # A rep: the same rule as access.oversees (their team within the actor's team subtree), read from the tree so
    # a page of many reps asks no query per rep.
    team_id = tree.nodes[info.parent].team_id if info.parent else None
    return team_id is not None and team_id in access.team_subtree_ids(actor)


def can_propose(actor, tree: OrgTree, node: str) -> bool:
    """A bottom-up figure comes from the node itself: a rep for themself, a manager for a team they lead (their
    team or one below it), a director/admin for the company."""
    info = tree.nodes.get(node)
    if info is None or not (actor and actor.is_authenticated and actor.is_active):
        return False
    if info.kind == "user":
        return info.user_id == actor.pk
    if info.kind == "team":
        return actor.is_manager_or_above and info.team_id in access.team_subtree_ids(actor) or can_plan(actor)
    return can_plan(actor)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("You may not plan targets for this node."))


# --- reading a plan's cells ---------------------------------------------------------------------------------------

def cells(plan) -> dict[tuple[str, str], Target]:
    """The plan's cells (without a dimension) by (node key, period label), in one query."""
    return {(t.node, t.period): t for t in Target.objects.filter(plan=plan, dimension="")}


def _leaves(plan) -> list[Period]:
    return [p for p in year_periods(plan.year, plan.with_weeks) if not period_children(p, plan.with_weeks)]


class _Grid:
    """The plan's cells in memory; :meth:`save` writes the changed and new ones in two statements."""

    def __init__(self, plan):
        self.plan = plan
        self.cells = cells(plan)
        self.changed: dict[tuple[str, str], Target] = {}

    def amount(self, node, label) -> Decimal:
        cell = self.cells.get((node, label))
        return cell.amount if cell else ZERO

    def set(self, node, label, amount):
        key = (node, label)
        cell = self.cells.get(key)
        if cell is None:
            cell = Target(plan=self.plan, period=label, **node_ids(node)).fill_derived()
            self.cells[key] = cell
        cell.amount = to_money(amount)
        self.changed[key] = cell

    def save(self):
        new = [c for c in self.changed.values() if c.pk is None]
        old = [c for c in self.changed.values() if c.pk is not None]
        Target.objects.bulk_create(new, batch_size=1000)
        Target.objects.bulk_update(old, ["amount"], batch_size=1000)
        count = len(self.changed)
        self.changed = {}
        return count


def _locked_draft(plan, version=None) -> TargetPlan:
    locked = TargetPlan.objects.select_for_update().select_related("measure").get(pk=plan.pk)
    if version is not None and int(version) != locked.version:
        raise StaleEditError(locked)
    if locked.status != TargetPlan.Status.DRAFT:
        raise ValidationError({"plan": _("Only a draft plan can be changed; revise the approved plan first.")})
    return locked


def _touch(plan, action_note, changes):
    plan.save(update_fields=["time_split", "org_split", "note"])  # bumps the version: the plan changed
    audit.record(plan, "update", changes=changes, note=action_note)


# --- the time axis ------------------------------------------------------------------------------------------------

def last_year_by_month(plan, tree: OrgTree, nodes) -> dict[str, dict[int, Decimal]]:
    """Last year's actual of each node per month (1..12): twelve grouped queries for all the nodes together."""
    measure_figure = plan.measure.figure
    year = plan.year - 1
    result = {node: {} for node in nodes}
    people = {node: tree.people(node) for node in nodes}
    everyone = sorted({pk for ids in people.values() for pk in ids})
    for month in range(1, 13):
        span = period_of("month", datetime.date(year, month, 1))
        values = figures.actuals(measure_figure, span.start, span.end, owners=everyone)
        for node in nodes:
            result[node][month] = sum((values.get(pk, ZERO) for pk in people[node]), ZERO)
    return result


def _split_time_into(grid, node, period: Period, with_weeks, weights_of):
    """Split the node's amount for ``period`` down to its children periods, recursively."""
    children = period_children(period, with_weeks)
    if not children:
        return
    parts = allocate(grid.amount(node, period.label), [weights_of(child) for child in children])
    for child, part in zip(children, parts, strict=True):
        grid.set(node, child.label, part)
        _split_time_into(grid, node, child, with_weeks, weights_of)


def _refuse_unless_exact(tree, node, label, total: Decimal, parts: Decimal):
    if parts != total:
        raise ValidationError({"amounts": _(
            "%(node)s %(period)s: the parts add up to %(parts)s, but the total is %(total)s (%(difference)s to "
            "allocate).") % {"node": tree.label(node), "period": label, "parts": parts, "total": total,
                             "difference": f"{total - parts:+}"}})


def _set_sub_periods_exactly(grid, plan, tree, node, parent: Period, amounts: dict):
    children = period_children(parent, plan.with_weeks)
    by_label = {child.label: child for child in children}
    unknown = [str(label) for label in amounts if str(label) not in by_label]
    if not children or unknown:
        raise ValidationError({"amounts": _("Not a sub-period of %(period)s: %(labels)s")
                               % {"period": parent.label, "labels": ", ".join(unknown) or "—"}})
    new = {label: _amount(amounts[label]) if label in amounts else grid.amount(node, label) for label in by_label}
    _refuse_unless_exact(tree, node, parent.label, grid.amount(node, parent.label), sum(new.values(), ZERO))
    for label, amount in new.items():
        if amount == grid.amount(node, label) and (node, label) in grid.cells:
            continue
        grid.set(node, label, amount)
        _split_time_into(grid, node, by_label[label], plan.with_weeks, _present_share(grid, node))


def _present_share(grid, node):
    """Weights for re-spreading a period: each sub-period's present figure (all zero: evenly, see allocate)."""
    return lambda period: grid.amount(node, period.label)


@dataclass
class SplitResult:
    cells: int
    note: str = ""


@transaction.atomic
def split_time(*, actor, plan, node: str = COMPANY, method: str = TargetPlan.TimeSplit.EVEN,
               amounts: dict | None = None, exact_within: str | None = None, version=None) -> SplitResult:
    """Split a node's year over quarters, months (and weeks): ``even``; ``seasonal`` — in proportion to last year's
    actuals of that node per month (evenly, and said so, when last year has none); or ``manual`` — ``amounts``
    maps period labels to amounts, set as given (what does not add up is shown, and blocks approval).

    By hand with ``exact_within`` (a period label, what the plan page sends): ``amounts`` are that period's
    sub-periods, they must add up to the node's figure for it (else refused, naming the node and the difference),
    and each changed sub-period's own finer periods follow it in their present proportions (evenly when zero)."""
    plan = _locked_draft(plan, version)
    tree = OrgTree.load()
    _require(node in tree and can_allocate(actor, tree, node))
    if method not in TargetPlan.TimeSplit.values:
        raise ValidationError({"method": _("Choose how to split over time.")})
    grid = _Grid(plan)
    note = ""
    if method == TargetPlan.TimeSplit.MANUAL and exact_within:
        _set_sub_periods_exactly(grid, plan, tree, node, _plan_period(plan, exact_within), amounts or {})
    elif method == TargetPlan.TimeSplit.MANUAL:
        for label, amount in (amounts or {}).items():
            period = _plan_period(plan, label)
            grid.set(node, period.label, _amount(amount))
    else:
        monthly = None
        if method == TargetPlan.TimeSplit.SEASONAL:
            monthly = last_year_by_month(plan, tree, [node])[node]
            if not any(monthly.values()):
                monthly, note = None, _("Last year has no actuals for this node: split evenly instead.")

        def weights_of(period: Period):
            if monthly is None or period.kind == "week":
                return 1
            if period.kind == "month":
                return monthly[period.start.month]
            return sum(monthly[m] for m in range(period.start.month, period.end.month + 1))

        _split_time_into(grid, node, period_of("year", datetime.date(plan.year, 1, 1)), plan.with_weeks,
                         weights_of)
    count = grid.save()
    plan.time_split = method
    _touch(plan, "split_time", {"node": node, "method": method, "cells": count, "fallback": note})
    return SplitResult(count, note)


# --- the organisation axis ----------------------------------------------------------------------------------------

def _child_weights(plan, tree, node, method) -> list:
    children = tree.children(node)
    if method == TargetPlan.OrgSplit.HEADCOUNT:
        return [tree.headcount(child) for child in children]
    people = {child: tree.people(child) for child in children}
    everyone = sorted({pk for ids in people.values() for pk in ids})
    values = figures.actuals(plan.measure.figure, datetime.date(plan.year - 1, 1, 1),
                             datetime.date(plan.year - 1, 12, 31), owners=everyone)
    return [sum((values.get(pk, ZERO) for pk in people[child]), ZERO) for child in children]


def _fill_children(grid, plan, tree, node, totals: list[Decimal]):
    """Give each child of ``node`` its total as shares of the node's finest periods (see the module docstring)."""
    children = tree.children(node)
    leaves = _leaves(plan)
    left = list(totals)
    for index, leaf in enumerate(leaves):
        if index < len(leaves) - 1:
            # In proportion to what each child has left: a cent rounded up in one month is given back later.
            parts = allocate(grid.amount(node, leaf.label), left if any(left) else totals)
        else:
            parts = list(left)  # the last period takes what rounding left, so every row and column adds up
        for i, child in enumerate(children):
            grid.set(child, leaf.label, parts[i])
            left[i] -= parts[i]
    for child in children:
        _roll_up_time(grid, plan, child)


def _roll_up_time(grid, plan, node):
    """Set the node's coarser periods to the sums of their children periods (months → quarters → year)."""
    for period in reversed(year_periods(plan.year, plan.with_weeks)):
        children = period_children(period, plan.with_weeks)
        if children:
            grid.set(node, period.label, sum((grid.amount(node, c.label) for c in children), ZERO))


@transaction.atomic
def split_org(*, actor, plan, node: str = COMPANY, method: str = TargetPlan.OrgSplit.HEADCOUNT,
              amounts: dict | None = None, cascade: bool = False, exact: bool = False,
              version=None) -> SplitResult:
    """Split a node's figures to its child teams and direct reps: ``headcount`` (active reps in each child's
    subtree), ``last_year`` (each child's share of last year's actual; evenly, and said so, when there is none) or
    ``manual`` (``amounts`` maps child node keys to their year totals; with ``exact``, what the plan page sends,
    they must add up to the node's year, else refused naming the node and the difference). With ``cascade`` the
    same method goes on down through every team below."""
    plan = _locked_draft(plan, version)
    tree = OrgTree.load()
    _require(node in tree and can_allocate(actor, tree, node))
    if method not in TargetPlan.OrgSplit.values:
        raise ValidationError({"method": _("Choose how to split over the organisation.")})
    grid = _Grid(plan)
    notes = []
    pending = [node]
    while pending:
        current = pending.pop(0)
        children = tree.children(current)
        if not children:
            continue
        year_total = grid.amount(current, str(plan.year))
        if method == TargetPlan.OrgSplit.MANUAL and current == node:
            amounts = amounts or {}
            unknown = [key for key in amounts if key not in children]
            if unknown:
                raise ValidationError({"amounts": _("Not a child of this node: %(nodes)s")
                                       % {"nodes": ", ".join(unknown)}})
            # By hand the children's totals are the person's (if they do not add up, the plan page says by how
            # much); each child's months follow the parent's.
            totals = [_amount(amounts.get(child, 0)) for child in children]
            if exact:
                _refuse_unless_exact(tree, node, str(plan.year), year_total, sum(totals, ZERO))
        else:
            weights = _child_weights(plan, tree, current, method)
            if method == TargetPlan.OrgSplit.LAST_YEAR and not any(weights) and current == node:
                notes.append(_("Last year has no actuals below this node: split evenly instead."))
            totals = allocate(year_total, weights)
        _fill_children(grid, plan, tree, current, totals)
        if cascade:
            pending.extend(child for child in children if tree.children(child))
    count = grid.save()
    plan.org_split = method
    note = " ".join(notes)
    _touch(plan, "split_org", {"node": node, "method": method, "cascade": cascade, "cells": count,
                               "fallback": note})
    return SplitResult(count, note)


# --- cells by hand, bottom-up figures ----------------------------------------------------------------------------

def _amount(value) -> Decimal:
    try:
        amount = to_money(value)
    except Exception:  # noqa: BLE001  (any unparsable input is the person's typo)
        raise ValidationError({"amount": _("Enter an amount such as 120000.00.")}) from None
    if amount < 0:
        raise ValidationError({"amount": _("A target cannot be negative.")})
    return amount


def _plan_period(plan, label) -> Period:
    try:
        period = parse_period(str(label))
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if period.label not in {p.label for p in year_periods(plan.year, plan.with_weeks)}:
        raise ValidationError({"period": _("%(period)s is not a period of this plan's year %(year)s.")
                               % {"period": period.label, "year": plan.year}})
    return period


@transaction.atomic
def set_cell(*, actor, plan, node: str, period: str, amount, version=None) -> Target:
    """Set one top-down cell by hand (nothing else moves; the plan page shows what no longer adds up)."""
    return set_cells(actor=actor, plan=plan, cells=[(node, period, amount)], version=version)[0]


@transaction.atomic
def set_cells(*, actor, plan, cells: list, version=None, tree: OrgTree | None = None) -> list[Target]:
    """Set many top-down cells by hand at once — ``cells`` is a list of (node key, period label, amount) — in a
    few statements (the form sets one, an import thousands)."""
    plan = _locked_draft(plan, version)
    tree = tree or OrgTree.load()
    grid = _Grid(plan)
    changed, result = {}, []
    for node, period, amount in cells:
        if node not in tree:
            raise ValidationError({"node": _("Unknown node %(node)s.") % {"node": node}})
        _require(can_allocate(actor, tree, node))
        label = _plan_period(plan, period).label
        old = grid.amount(node, label)
        grid.set(node, label, _amount(amount))
        result.append(grid.cells[(node, label)])
        changed[f"{node} {label}"] = f"{old} → {grid.cells[(node, label)].amount}"
    grid.save()
    _touch(plan, "set_cell", dict(list(changed.items())[:50]) | {"cells": len(changed)})
    return result


def draft_for(*, actor, year: int, measure) -> TargetPlan:
    """The draft plan of a year and measure to write into: the existing draft, else a revision of the approved
    plan, else a new plan with a zero total (what an import fills)."""
    draft = TargetPlan.objects.filter(year=year, measure__key=measure, status=TargetPlan.Status.DRAFT).first()
    if draft is not None:
        return draft
    approved = TargetPlan.objects.filter(year=year, measure__key=measure, status=TargetPlan.Status.APPROVED).first()
    if approved is not None:
        return revise_plan(actor=actor, plan=approved)
    return create_plan(actor=actor, year=year, measure=measure, total=0)


@transaction.atomic
def submit_proposal(*, actor, plan, node: str, period: str, amount) -> Target:
    """A node's own bottom-up figure (``proposed``), beside the top-down one. Drafts only."""
    plan = _locked_draft(plan)
    tree = OrgTree.load()
    if node not in tree:
        raise ValidationError({"node": _("Unknown node %(node)s.") % {"node": node}})
    if not can_propose(actor, tree, node):
        raise PermissionDenied(_("Only the rep or the team's manager submits this node's figure."))
    label = _plan_period(plan, period).label
    cell = Target.objects.filter(plan=plan, node=node, period=label, dimension="").first()
    if cell is None:
        cell = Target(plan=plan, period=label, **node_ids(node))
    cell.proposed, cell.proposed_by, cell.proposed_at = _amount(amount), actor, timezone.now()
    cell.save()
    audit.record(plan, "update", changes={"node": node, "period": label, "proposed": str(cell.proposed)},
                 note="submit_proposal")
    return cell


# --- checking, approving, revising -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    axis: str  # "time" | "org"
    node: str
    period: str
    amount: Decimal  # the parent's figure
    children: Decimal  # the sum of its children

    @property
    def difference(self) -> Decimal:
        return self.amount - self.children


def check_plan(plan, tree: OrgTree | None = None, grid: dict | None = None) -> list[Mismatch]:
    """Every parent that is not the sum of its children, over time (a node's period vs its sub-periods) and over
    the organisation (a node vs its child teams and reps, each period). Missing cells count as zero."""
    tree = tree or OrgTree.load()
    grid = grid if grid is not None else cells(plan)
    periods = year_periods(plan.year, plan.with_weeks)

    def amount(node, label):
        cell = grid.get((node, label))
        return cell.amount if cell else ZERO

    problems = []
    for node in tree.walk():
        children = tree.children(node)
        for period in periods:
            here = amount(node, period.label)
            sub = period_children(period, plan.with_weeks)
            if sub:
                total = sum((amount(node, p.label) for p in sub), ZERO)
                if total != here:
                    problems.append(Mismatch("time", node, period.label, here, total))
            if children:
                total = sum((amount(child, period.label) for child in children), ZERO)
                if total != here:
                    problems.append(Mismatch("org", node, period.label, here, total))
    return problems


def describe(mismatches, tree: OrgTree, limit: int = 10) -> str:
    lines = []
    for m in mismatches[:limit]:
        what = {"time": _("its periods"), "org": _("its teams and reps")}.get(m.axis, _("its dimension values"))
        lines.append(_("%(node)s %(period)s: %(amount)s, but %(what)s add up to %(children)s (%(difference)s)")
                     % {"node": tree.label(m.node), "period": m.period, "amount": m.amount, "what": what,
                        "children": m.children, "difference": f"{m.difference:+}"})
    if len(mismatches) > limit:
        lines.append(_("… and %(count)s more.") % {"count": len(mismatches) - limit})
    return "; ".join(lines)


@transaction.atomic
def approve_plan(*, actor, plan, version=None) -> TargetPlan:
    """Approve a draft: refused, naming the nodes and differences, unless every parent equals the sum of its
    children in both axes; the previously approved revision becomes superseded. Team parts their manager has not
    signed off do not block it (see targets.signoff): they are recorded with the approval and returned as
    ``plan.unsigned`` for the page and the API to show."""
    if not can_plan(actor):
        raise PermissionDenied(_("Only a sales director or an administrator approves the company plan."))
    plan = _locked_draft(plan, version)
    tree = OrgTree.load()
    from .dimensions import dimension_mismatches  # the dimension split reads this module

    problems = check_plan(plan, tree) + dimension_mismatches(plan)
    if problems:
        raise ValidationError({"plan": _("The plan does not add up: %(problems)s")
                               % {"problems": describe(problems, tree)}})
    if not Target.objects.filter(plan=plan, node=COMPANY, period=str(plan.year)).exclude(amount=0).exists():
        raise ValidationError({"plan": _("The plan has no company total yet.")})
    previous = TargetPlan.objects.filter(year=plan.year, measure=plan.measure, status=TargetPlan.Status.APPROVED)
    for old in previous.select_for_update():
        old.status = TargetPlan.Status.SUPERSEDED
        old.save(update_fields=["status"])
    plan.status, plan.approved_by, plan.approved_at = TargetPlan.Status.APPROVED, actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    from .signoff import unsigned_nodes  # the sign-offs read this module

    plan.unsigned = unsigned_nodes(plan, tree)
    audit.record(plan, "update", note="approve_plan",
                 changes={"not_signed_off": [f"{s.label} ({s.manager})" for s in plan.unsigned]})
    return plan


@transaction.atomic
def create_plan(*, actor, year: int, measure, total, with_weeks: bool = False, note: str = "",
                time_split: str = TargetPlan.TimeSplit.EVEN, dimension_kind: str = "") -> TargetPlan:
    """A new draft plan for a year and measure with the company total, split over time (``even`` by default);
    ``dimension_kind`` (region, series, class) lets nodes be split further (refused if the measure cannot be)."""
    if not can_plan(actor):
        raise PermissionDenied(_("Only a sales director or an administrator creates the company plan."))
    if not isinstance(measure, Measure):
        measure = Measure.objects.filter(key=measure).first()
        if measure is None:
            raise ValidationError({"measure": _("Unknown measure.")})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year such as 2027.")})
    total = _amount(total)
    from .dimensions import check_supported

    check_supported(measure, dimension_kind or "")
    existing = TargetPlan.objects.filter(year=year, measure=measure)
    if existing.filter(status=TargetPlan.Status.DRAFT).exists():
        raise ValidationError({"year": _("There is already a draft plan for %(year)s and this measure.")
                               % {"year": year}})
    revision = (existing.aggregate(top=Max("revision"))["top"] or 0) + 1
    plan = TargetPlan.objects.create(year=year, measure=measure, revision=revision, with_weeks=with_weeks,
                                     note=note, created_by=actor, time_split=time_split,
                                     dimension_kind=dimension_kind or "")
    Target.objects.create(plan=plan, period=str(year), amount=total)
    split_time(actor=actor, plan=plan, node=COMPANY, method=time_split)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def revise_plan(*, actor, plan, note: str = "") -> TargetPlan:
    """Copy an approved plan into a new draft revision (every cell, top-down and bottom-up); the approved one stays
    in force until the new revision is approved."""
    if not can_plan(actor):
        raise PermissionDenied(_("Only a sales director or an administrator revises the company plan."))
    plan = TargetPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TargetPlan.Status.APPROVED:
        raise ValidationError({"plan": _("Only the approved plan can be revised.")})
    if TargetPlan.objects.filter(year=plan.year, measure=plan.measure, status=TargetPlan.Status.DRAFT).exists():
        raise ValidationError({"plan": _("A draft revision of this plan already exists.")})
    top = TargetPlan.objects.filter(year=plan.year, measure=plan.measure).aggregate(top=Max("revision"))["top"]
    draft = TargetPlan.objects.create(year=plan.year, measure=plan.measure, revision=top + 1,
                                      time_split=plan.time_split, org_split=plan.org_split,
                                      with_weeks=plan.with_weeks, note=note or plan.note, created_by=actor,
                                      dimension_kind=plan.dimension_kind)
    copies = []
    for cell in Target.objects.filter(plan=plan):
        cell.pk, cell.plan = None, draft
        copies.append(cell)
    Target.objects.bulk_create(copies, batch_size=1000)
    audit.record(draft, "create", changes={"revised_from": plan.pk, "cells": len(copies)}, note="revise_plan")
    return draft


@transaction.atomic
def roll_up(*, actor, plan, version=None) -> int:
    """Make parents the sums of their children: each rep's (and each childless node's) periods up to its year,
    then every team and the company from their children, period by period (a bottom-up plan, e.g. imported per
    rep and month)."""
    plan = _locked_draft(plan, version)
    tree = OrgTree.load()
    _require(can_plan(actor))
    grid = _Grid(plan)
    periods = year_periods(plan.year, plan.with_weeks)

    def up(node):
        children = tree.children(node)
        if not children:
            _roll_up_time(grid, plan, node)
            return
        for child in children:
            up(child)
        for period in periods:
            grid.set(node, period.label, sum((grid.amount(c, period.label) for c in children), ZERO))

    up(COMPANY)
    count = grid.save()
    _touch(plan, "roll_up", {"cells": count})
    return count


@transaction.atomic
def update_settings(*, actor, green_ratio, red_ratio):
    """Change the completion colours (administrators): green from ``green_ratio`` × elapsed, red below
    ``red_ratio`` × elapsed."""
    from ..models import TargetSettings

    access.require_role(actor, Role.ADMIN)
    try:
        green, red = Decimal(str(green_ratio)), Decimal(str(red_ratio))
    except Exception:  # noqa: BLE001
        raise ValidationError({"green_ratio": _("Enter ratios such as 1.00 and 0.80.")}) from None
    if not (Decimal(0) <= red <= green <= Decimal(5)):
        raise ValidationError({"red_ratio": _("The red threshold must be between 0 and the green threshold.")})
    settings = TargetSettings.load()
    settings.green_ratio, settings.red_ratio = green, red
    settings.save()
    return settings
