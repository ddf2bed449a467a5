"""Completion, live: for a node and period — target (the approved plan), actual (the figure summed over the node's
people), completion %, time elapsed %, the deviation between them (进度偏差), the gap to go and the run rate it needs.

The whole tree for a period costs a constant number of queries: the plan, its targets for the period, the teams,
the users, one grouped figures query for everybody, and the colouring settings.

Time elapsed counts whole days in the business time zone (Asia/Shanghai), today included. Colours: green when
completion ≥ elapsed × green ratio, red when completion < elapsed × red ratio, amber between (the ratios are
:class:`~salesflow.performance.models.TargetSettings`, which an administrator changes).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.money import to_money
from salesflow.core.periods import Period
from salesflow.org import access
from salesflow.performance import figures

from ..models import Target, TargetSettings
from .selectors import approved_plan
from .tree import COMPANY, OrgTree

HUNDRED = Decimal(100)
GREEN, AMBER, RED = "green", "amber", "red"


@dataclass
class Row:
    node: str
    label: str
    kind: str
    depth: int
    target: Decimal | None  # None: no target (未设目标)
    actual: Decimal | None  # None: no data (暂无数据)
    elapsed_pct: Decimal
    days_left: int
    months_left: int
    colour: str = ""

    @property
    def indent(self):
        return range(self.depth)

    @cached_property  # read several times per row by the page
    def completion_pct(self) -> Decimal | None:
        if not self.target or self.actual is None:
            return None
        return (self.actual / self.target * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @cached_property  # read several times per row by the page
    def deviation(self) -> Decimal | None:
        """Completion minus time elapsed, in percentage points (进度偏差): below zero is behind schedule."""
        pct = self.completion_pct
        return None if pct is None else pct - self.elapsed_pct

    @cached_property  # read several times per row by the page
    def gap(self) -> Decimal | None:
        if self.target is None:
            return None
        return max(self.target - (self.actual or Decimal(0)), Decimal(0))

    @cached_property  # read several times per row by the page
    def per_day(self) -> Decimal | None:
        gap = self.gap
        return None if gap is None or not self.days_left else to_money(gap / self.days_left)

    @cached_property  # read several times per row by the page
    def per_month(self) -> Decimal | None:
        gap = self.gap
        return None if gap is None or not self.months_left else to_money(gap / self.months_left)

    def as_dict(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {"node": self.node, "name": self.label, "kind": self.kind, "depth": self.depth,
                "target": text(self.target), "actual": text(self.actual),
                "completion_pct": text(self.completion_pct), "elapsed_pct": text(self.elapsed_pct),
                "deviation": text(self.deviation), "gap": text(self.gap), "per_day": text(self.per_day),
                "per_month": text(self.per_month), "days_left": self.days_left, "colour": self.colour,
                "note": self.note}

    @property
    def note(self) -> str:
        if self.target is None:
            return _("No target set")
        if self.actual is None:
            return _("No data yet")
        return ""


@dataclass
class Completion:
    period: Period
    measure_key: str
    plan: object | None
    rows: list[Row]
    today: datetime.date


def elapsed(period: Period, today: datetime.date) -> tuple[Decimal, int, int]:
    """(time elapsed %, days left after today, calendar months left including the current one)."""
    total = (period.end - period.start).days + 1
    done = min(max((today - period.start).days + 1, 0), total)
    pct = (Decimal(done) / Decimal(total) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    start = max(today + datetime.timedelta(days=1), period.start)
    months = 0 if start > period.end else (period.end.year - start.year) * 12 + period.end.month - start.month + 1
    return pct, total - done, months


def colour(completion_pct, elapsed_pct, settings: TargetSettings) -> str:
    if completion_pct is None:
        return ""
    if completion_pct >= elapsed_pct * settings.green_ratio:
        return GREEN
    if completion_pct < elapsed_pct * settings.red_ratio:
        return RED
    return AMBER


def root_for(user, tree: OrgTree) -> str | None:
    """The highest node ``user`` may read: the company (scope all, finance), their team (scope team), themself
    (a rep) — or nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scope = access.effective_scope(user)
    if scope == "all" or access.is_finance(user):
        return COMPANY
    if scope == "team" and user.team_id and f"team:{user.team_id}" in tree:
        return f"team:{user.team_id}"
    own = f"user:{user.pk}"
    return own if own in tree else None


def completion_tree(user, measure_key: str, period: Period, node: str | None = None,
                    today: datetime.date | None = None, tree: OrgTree | None = None,
                    only_top: bool = False) -> Completion:
    """Completion of every node ``user`` may see (from ``node`` or their own top node down) for ``period``;
    ``only_top``: just that first node (the home page tile)."""
    today = today or timezone.localdate()
    tree = tree or OrgTree.load()
    root = COMPANY if user is None else root_for(user, tree)  # None: the system (the command line, no --user)
    if root is None:
        raise PermissionDenied(_("You have no targets to see."))
    visible = list(tree.walk(root))
    if node is not None:
        if node not in visible:
            raise PermissionDenied(_("You may not see this node's targets."))
        visible = list(tree.walk(node))
    if only_top:
        visible = visible[:1]
    plan = approved_plan(period.start.year, measure_key)
    targets = {}
    if plan is not None:
        targets = dict(Target.objects.filter(plan=plan, period=period.label, dimension="", node__in=visible)
                       .values_list("node", "amount"))
    people = {key: tree.people(key) for key in visible}
    everyone = sorted({pk for ids in people.values() for pk in ids})
    figure = plan.measure.figure if plan is not None else measure_key
    values = figures.actuals(figure, period.start, period.end, owners=everyone) if everyone else {}
    settings = TargetSettings.load()
    elapsed_pct, days_left, months_left = elapsed(period, today)
    rows = []
    for key in visible:
        info = tree.nodes[key]
        present = [values[pk] for pk in people[key] if pk in values]
        row = Row(key, info.label, info.kind, info.depth - tree.nodes[visible[0]].depth, targets.get(key),
                  sum(present, Decimal(0)) if present else None, elapsed_pct, days_left, months_left)
        row.colour = colour(row.completion_pct, elapsed_pct, settings)
        rows.append(row)
    return Completion(period, measure_key, plan, rows, today)


def own_completion(user, measure_key: str, period: Period, today: datetime.date | None = None) -> Row | None:
    """The completion of the user's own node for the home page, cheaply: a rep's own target, a manager's team's
    (the team they belong to, which their scope covers). None when the approved plan has no target for it.
    Three queries for a rep (target, actual, colours), one more for a manager (the people of the team)."""
    from salesflow.org.models import User

    today = today or timezone.localdate()
    scope = access.effective_scope(user)
    if scope == "team" and user.team_id:
        node, kind = f"team:{user.team_id}", "team"
    elif scope == "own":
        node, kind = f"user:{user.pk}", "user"
    else:
        return None
    cell = (Target.objects.filter(plan__year=period.start.year, plan__measure__key=measure_key,
                                  plan__status="approved", node=node, period=period.label, dimension="")
            .values_list("amount", "plan__measure__figure").first())
    if cell is None:
        return None
    target, figure = cell
    if kind == "user":
        people = [user.pk]
    else:
        people = list(User.objects.filter(is_active=True, team__in=access.team_subtree_ids(user))
                      .values_list("pk", flat=True))
    values = figures.actuals(figure, period.start, period.end, owners=people)
    elapsed_pct, days_left, months_left = elapsed(period, today)
    row = Row(node, str(user), kind, 0, target, sum(values.values(), Decimal(0)) if values else None, elapsed_pct,
              days_left, months_left)
    row.colour = colour(row.completion_pct, elapsed_pct, TargetSettings.load())
    return row
