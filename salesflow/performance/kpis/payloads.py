"""Scorecards and leaderboards as plain data (JSON): what the API and ``salesflow report scorecard|leaderboard``
return. Who may see what is decided here once, through org.access: a rep gets only their own scorecard, a manager
the people of their subtree; a leaderboard lists names and ranked values only."""

from django.utils import timezone

from salesflow.core.periods import parse_period, period_of
from salesflow.org import access
from salesflow.org.models import Role, Team, User

from ..models import Kpi, Scorecard
from . import selectors


def period_from(label: str | None, kinds=("month", "quarter", "year")):
    period = parse_period(label) if label else period_of("month", timezone.localdate())
    if period.kind not in kinds:
        raise ValueError(f"period {period.label}: use a {' or '.join(kinds)}")
    return period


def card_data(card: selectors.Card) -> dict:
    kind, ident = card.group.key
    return {kind: ident, "name": card.name, "weighted_total": card.total, "score_cap": selectors.SCORE_CAP,
            "lines": [{"kpi": line.item.kpi.key, "label": line.item.kpi.label, "unit": line.item.kpi.unit,
                       "weight": line.item.weight, "value": line.value, "target": line.target,
                       "approved_target": line.item.approved_target, "score": line.score, "weighted": line.weighted}
                      for line in card.lines]}


def scorecards_for(viewer, period, *, user_id=None, team_id=None) -> list[dict]:
    """Scorecards ``viewer`` may read: one person's (``user_id``), one team's (``team_id``) or, with neither,
    every rep they oversee (viewer None: everyone, for the CLI without --user)."""
    people = User.objects.filter(is_active=True) if viewer is None else access.users_in_scope(viewer)
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None or (viewer is not None and access.effective_scope(viewer) != "all"
                            and team.pk not in access.team_subtree_ids(viewer)):
            raise LookupError("team")
        group = selectors.team_group(team, selectors.team_members(team))
        cards = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.MANAGER), period, [(group, team.name)])
        return [card_data(c) for c in cards]
    if user_id is not None:
        people = people.filter(pk=user_id)
        if not people.exists():
            raise LookupError("user")
    else:
        people = people.filter(role=Role.REP)
    cards = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.REP), period,
                                 [(selectors.person(u), str(u)) for u in people.order_by("username")])
    return [card_data(c) for c in cards]


def scope_from(text: str | None) -> str | None:
    """A leaderboard scope as the CLI writes it: ``company``, ``teams`` or ``team:NAME`` (a team's name, as the
    targets import names teams; teams have no separate code; its id is accepted too), turned into the scope the
    selectors, the page and the API use (``team:<id>``)."""
    if not text or not text.startswith("team:"):
        return text
    ref = text.split(":", 1)[1]
    teams = list(Team.objects.filter(name=ref).values_list("pk", flat=True)[:2])
    if len(teams) > 1:
        raise ValueError(f"team {ref!r} in scope {text!r} is ambiguous: several teams bear that name; use its id")
    if not teams and ref.isdigit():
        teams = list(Team.objects.filter(pk=int(ref)).values_list("pk", flat=True))
    if not teams:
        raise ValueError(f"unknown team in scope {text!r}: use a team's name or id")
    return f"team:{teams[0]}"


def leaderboard_data(viewer, period, kpi_key: str | None, scope: str | None) -> dict:
    kpi = Kpi.objects.filter(key=kpi_key or "signed_amount", active=True).first()
    if kpi is None:
        raise ValueError(f"unknown KPI {kpi_key!r}; known: {', '.join(Kpi.objects.values_list('key', flat=True))}")
    board = selectors.leaderboard(kpi, period, scope or selectors.SCOPE_COMPANY, viewer)
    rows = [{k: r[k] for k in ("rank", "name", "value", "previous_rank", "change", "new", "me")} for r in board["rows"]]
    return {"kpi": kpi.key, "label": kpi.label, "unit": kpi.unit, "period": period.label, "scope": board["scope"],
            "ranked": board["ranked"], "rows": rows,
            "me": {k: board["me"][k] for k in ("rank", "value")} if board["me"] else None}
