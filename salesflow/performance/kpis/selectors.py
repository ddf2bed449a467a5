"""Computing KPIs, scorecards and leaderboards in SQL through ``performance.figures``.

A KPI is evaluated for *groups* of people at once (a person is a group of one, a team the people in it): each figure
the formula needs is read in ONE grouped query for everyone asked for, then added up per group. So a 500-rep board
costs the same number of queries as a 5-rep one.

Rules stated once:
* values are Decimal, rounded half-up to 2 decimals (:func:`q2`); percentages are ×100;
* no data is ``None`` (shown as "暂无数据"), never zero: a figure with no row for anyone in the group, a ratio over
  zero, a target that was not set, last year's zero for growth;
* a score is value ÷ target × 100 (higher is better) or target ÷ value × 100 (lower is better), capped at
  :data:`SCORE_CAP`; an item without a value or target scores nothing and adds 0 to the weighted total.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from salesflow.core.periods import Period, period_of
from salesflow.org import access
from salesflow.org.models import Role, Team, User

from .. import figures
from ..models import Kpi, ManualValue, Scorecard
from ..targets.selectors import user_targets

SCORE_CAP = Decimal(150)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Group:
    """Whom a value is about: a person (``user_ids`` = [their id]) or a team (its members, and its id for values
    entered by hand for the team itself)."""

    key: object
    user_ids: tuple[int, ...]
    team_id: int | None = None


def same_period_last_year(period: Period) -> Period:
    if period.kind == "week":
        return period_of("week", period.start - datetime.timedelta(days=364))
    return period_of(period.kind, period.start.replace(year=period.start.year - 1, day=1))


def previous_period(period: Period) -> Period:
    return period_of(period.kind, period.start - datetime.timedelta(days=1))


def _summed(values: dict[int, Decimal], group: Group) -> Decimal | None:
    found = [values[uid] for uid in group.user_ids if uid in values]
    return sum(found, Decimal(0)) if found else None


def _figure(key: str, period: Period, user_ids) -> dict[int, Decimal]:
    return figures.actuals(key, period.start, period.end, owners=user_ids)


def _manual(kpi: Kpi, period: Period, groups: list[Group]) -> dict:
    user_ids = {uid for g in groups for uid in g.user_ids}
    team_ids = {g.team_id for g in groups if g.team_id}
    rows = ManualValue.objects.filter(kpi=kpi, period=period.label).filter(
        Q(user_id__in=user_ids) | Q(team_id__in=team_ids)).values_list("user_id", "team_id", "value")
    by_user, by_team = {}, {}
    for user_id, team_id, value in rows:
        (by_user if user_id else by_team)[user_id or team_id] = value
    result = {}
    for group in groups:
        if group.team_id in by_team:
            result[group.key] = by_team[group.team_id]
            continue
        found = [by_user[uid] for uid in group.user_ids if uid in by_user]
        if not found:
            result[group.key] = None
        elif kpi.unit in (Kpi.Unit.PERCENT, Kpi.Unit.DAYS):  # a team's share or days: the members' average
            result[group.key] = sum(found, Decimal(0)) / len(found)
        else:
            result[group.key] = sum(found, Decimal(0))
    return result


def evaluate(kpi: Kpi, period: Period, groups: list[Group]) -> dict[object, Decimal | None]:
    """``kpi`` for each group over ``period``: {group.key: value or None (no data)}."""
    ids = sorted({uid for g in groups for uid in g.user_ids})
    percent = HUNDRED if kpi.unit == Kpi.Unit.PERCENT else Decimal(1)
    formula = kpi.formula
    if formula == Kpi.Formula.MANUAL:
        values = _manual(kpi, period, groups)
    elif formula in (Kpi.Formula.FIGURE, Kpi.Formula.PER_HEAD):
        actual = _figure(kpi.figure, period, ids)
        values = {g.key: _summed(actual, g) for g in groups}
        if formula == Kpi.Formula.PER_HEAD:
            values = {k: (v / len(g.user_ids) if v is not None and g.user_ids else None)
                      for (k, v), g in zip(values.items(), groups, strict=True)}
    elif formula == Kpi.Formula.RATIO:
        above, below = _figure(kpi.figure, period, ids), _figure(kpi.denominator, period, ids)
        values = {}
        for g in groups:
            a, b = _summed(above, g), _summed(below, g)
            values[g.key] = (a or Decimal(0)) / b * percent if b else None
    elif formula == Kpi.Formula.VS_TARGET:
        actual, targets = _figure(kpi.figure, period, ids), user_targets(kpi.measure, period, ids)
        values = {}
        for g in groups:
            target = _summed(targets, g)
            values[g.key] = (_summed(actual, g) or Decimal(0)) / target * percent if target else None
    elif formula == Kpi.Formula.GROWTH:
        now, before = _figure(kpi.figure, period, ids), _figure(kpi.figure, same_period_last_year(period), ids)
        values = {}
        for g in groups:
            a, b = _summed(now, g), _summed(before, g)
            values[g.key] = ((a or Decimal(0)) - b) / b * HUNDRED if b else None
    else:
        raise ValueError(f"unknown formula {formula!r}")
    return {k: q2(v) for k, v in values.items()}


def score(value: Decimal | None, target: Decimal | None, *, higher_is_better: bool) -> Decimal | None:
    if value is None or not target:
        return None
    if higher_is_better:
        raw = value / target * HUNDRED
    else:
        raw = SCORE_CAP if value <= 0 else target / value * HUNDRED
    return q2(min(max(raw, Decimal(0)), SCORE_CAP))


# --- groups --------------------------------------------------------------------------------------------------------

def person(user) -> Group:
    return Group(("user", user.pk), (user.pk,))


def team_group(team: Team, members: list[int]) -> Group:
    return Group(("team", team.pk), tuple(members), team.pk)


def team_members(team: Team) -> list[int]:
    """The active reps and managers of ``team`` and its sub-teams."""
    return list(User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER],
                                    team__path__startswith=team.path).values_list("id", flat=True))


# --- scorecards ----------------------------------------------------------------------------------------------------

@dataclass
class Line:
    item: object
    value: Decimal | None
    target: Decimal | None
    score: Decimal | None
    weighted: Decimal


@dataclass
class Card:
    group: Group
    name: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return q2(sum((line.weighted for line in self.lines), Decimal(0)))


def scorecard_of(role: str) -> Scorecard | None:
    return Scorecard.objects.filter(role=role).prefetch_related("items__kpi").first()


def scorecards(card: Scorecard | None, period: Period, groups: list[tuple[Group, str]]) -> list[Card]:
    """Every group's scorecard under ``card`` for ``period``: one evaluation per KPI for all groups together."""
    cards = [Card(g, name) for g, name in groups]
    if card is None:
        return cards
    only = [g for g, _name in groups]
    ids = sorted({uid for g in only for uid in g.user_ids})
    for item in card.items.all():
        kpi = item.kpi
        if item.approved_target and kpi.formula == Kpi.Formula.VS_TARGET:
            actual, targets = _figure(kpi.figure, period, ids), user_targets(kpi.measure, period, ids)
            pairs = {g.key: (q2(_summed(actual, g) or Decimal(0)), q2(_summed(targets, g))) for g in only}
        else:
            values = evaluate(kpi, period, only)
            pairs = {g.key: (values[g.key], item.target) for g in only}
        for c in cards:
            value, target = pairs[c.group.key]
            points = score(value, target, higher_is_better=kpi.higher_is_better)
            c.lines.append(Line(item, value, target, points, q2((points or 0) * item.weight / HUNDRED)))
    return cards


def visible_people(viewer):
    """The reps and managers ``viewer`` oversees (a rep: only themself)."""
    return access.users_in_scope(viewer).filter(role__in=[Role.REP, Role.MANAGER]).order_by("username")


# --- drill-down ----------------------------------------------------------------------------------------------------

def drill_figure(kpi: Kpi) -> str | None:
    """The figure whose rows stand behind a KPI's value (a ratio's numerator); None for values entered by hand."""
    return kpi.figure or None


def drill_rows(kpi: Kpi, period: Period, owners, viewer):
    """The records behind ``kpi`` for ``owners`` in ``period`` that ``viewer`` may read, and the figure's total
    over them (for a figure KPI their count or sum equals the value)."""
    key = drill_figure(kpi)
    if key is None:
        return None, None
    fig = figures.get(key)
    rows = figures.records(key, period.start, period.end, owners=owners)
    if hasattr(rows, "visible_to"):
        rows = rows.visible_to(viewer)
    else:
        rows = rows.filter(**{f"{fig.owner}__in": access.users_in_scope(viewer)})
    return rows, fig


# --- leaderboards --------------------------------------------------------------------------------------------------

SCOPE_COMPANY, SCOPE_TEAMS = "company", "teams"


def board_groups(scope: str) -> list[tuple[Group, str]]:
    """The ranked entries of a scope: every active rep of the company or of a team's subtree ("team:<id>"), or
    ("teams") every team ranked by the reps directly in it."""
    reps = User.objects.filter(is_active=True, role=Role.REP)
    if scope == SCOPE_TEAMS:
        members: dict[int, list[int]] = {}
        for uid, team_id in reps.filter(team__isnull=False).values_list("id", "team_id"):
            members.setdefault(team_id, []).append(uid)
        teams = Team.objects.filter(pk__in=members).order_by("path")
        return [(team_group(t, members[t.pk]), t.name) for t in teams]
    if scope.startswith("team:"):
        team = Team.objects.filter(pk=int(scope.split(":", 1)[1])).first()
        if team is None:
            raise ValueError(f"unknown team in scope {scope!r}")
        reps = reps.filter(team__path__startswith=team.path)
    elif scope != SCOPE_COMPANY:
        raise ValueError(f"scope {scope!r}: use company, teams or team:<id>")
    return [(person(u), str(u)) for u in reps.only("id", "username", "display_name", "first_name", "last_name")]


def _ranks(values: dict, higher: bool) -> dict:
    """Competition ranking (1, 2, 2, 4); entries without a value are not ranked."""
    ordered = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda p: p[0], reverse=higher)
    ranks, last_value, last_rank = {}, None, 0
    for position, (value, key) in enumerate(ordered, start=1):
        if value != last_value:
            last_rank, last_value = position, value
        ranks[key] = last_rank
    return ranks


def standing(kpi: Kpi, period: Period, scope: str, viewer) -> tuple[int | None, int]:
    """(the viewer's rank or None, how many are ranked) on a board, without the previous period (the home tile)."""
    entries = board_groups(scope)
    ranks = _ranks(evaluate(kpi, period, [g for g, _name in entries]), kpi.higher_is_better)
    return ranks.get(("user", viewer.pk)), len(ranks)


def leaderboard(kpi: Kpi, period: Period, scope: str, viewer=None) -> dict:
    entries = board_groups(scope)
    groups = [g for g, _name in entries]
    now = evaluate(kpi, period, groups)
    before = evaluate(kpi, previous_period(period), groups)
    ranks, old = _ranks(now, kpi.higher_is_better), _ranks(before, kpi.higher_is_better)
    me = ("user", viewer.pk) if viewer is not None else None
    my_team = ("team", viewer.team_id) if viewer is not None and viewer.team_id else None
    rows = []
    for group, name in entries:
        rank, previous = ranks.get(group.key), old.get(group.key)
        change = None if rank is None or previous is None else previous - rank
        rows.append({"key": f"{group.key[0]}:{group.key[1]}", "name": name, "value": now[group.key], "rank": rank,
                     "previous_rank": previous, "change": change, "new": rank is not None and previous is None,
                     "me": group.key in (me, my_team)})
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    mine = next((r for r in rows if r["me"]), None)
    return {"kpi": kpi, "period": period, "scope": scope, "rows": rows, "ranked": len(ranks), "me": mine}
