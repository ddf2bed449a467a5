"""Stage conversion and win rates learned from stage history, smoothed toward the configured rates."""

from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum

from ..models import FunnelRollup, Stage, StageChange

MIN_SAMPLE = 20  # closed opportunities a stage needs before its learned rate is trusted
PRIOR_WEIGHT = 10  # the configured rate counts as this many imaginary closed opportunities


def reach_table(opportunities, pipeline) -> dict[int, dict[str, int]]:
    """For each stage order: how many opportunities got at least that far, by their current status."""
    furthest = (StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage__isnull=False)
                .values("opportunity").annotate(m=Max("to_stage__order")).values("m"))
    rows = (opportunities.filter(pipeline=pipeline).annotate(furthest=Subquery(furthest))
            .values("furthest", "status").annotate(n=Count("id")).order_by())
    return _reach(rows, pipeline)


def reach_rollup(user, pipeline, *, owners=None) -> dict[int, dict[str, int]]:
    """:func:`reach_table` of the opportunities ``user`` may see (of ``owners`` when given), summed from the funnel
    roll-up, which keeps each deal's furthest stage reached (``Opportunity.reached_order``, kept by triggers)."""
    rollups = FunnelRollup.objects.visible_to(user) if user is not None else FunnelRollup.objects.all()
    rollups = rollups.filter(pipeline_id=pipeline.pk)
    if owners is not None:
        rollups = rollups.filter(owner_id__in=owners)
    rows = (rollups.exclude(reached=0).values("status", furthest=F("reached")).annotate(n=Sum("n")).order_by())
    return _reach(rows, pipeline)


def _reach(rows, pipeline) -> dict[int, dict[str, int]]:
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order"))
    table = {s.order: {"reached": 0, "won": 0, "lost": 0} for s in stages}
    for row in rows:
        for order in table:
            if row["furthest"] is not None and row["furthest"] >= order:
                table[order]["reached"] += row["n"]
                if row["status"] in ("won", "lost"):
                    table[order][row["status"]] += row["n"]
    return table


def smoothed_rate(won: int, closed: int, prior_percent: Decimal) -> Decimal:
    prior = Decimal(prior_percent) / 100
    rate = (Decimal(won) + PRIOR_WEIGHT * prior) / (Decimal(closed) + PRIOR_WEIGHT)
    return (rate * 100).quantize(Decimal("0.1"))


def win_rates(opportunities, pipeline) -> list[dict]:
    return rates_of(reach_table(opportunities, pipeline), pipeline)


def rates_of(table, pipeline) -> list[dict]:
    """Per stage of a reach table: reached, won, lost, conversion to the next stage and to won, the learned win
    rate."""
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order"))
    result = []
    for index, stage in enumerate(stages):
        row = table[stage.order]
        closed = row["won"] + row["lost"]
        following = stages[index + 1] if index + 1 < len(stages) else None
        result.append({
            "stage_id": stage.pk, "stage": stage.name, "order": stage.order,
            "reached": row["reached"], "won": row["won"], "lost": row["lost"],
            "to_next_percent": _percent(table[following.order]["reached"], row["reached"]) if following else None,
            "to_won_percent": _percent(row["won"], row["reached"]),
            "raw_win_percent": _percent(row["won"], closed),
            "learned_win_percent": smoothed_rate(row["won"], closed, stage.win_rate),
            "configured_win_percent": stage.win_rate,
            "enough_sample": closed >= MIN_SAMPLE,
        })
    return result


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def win_rate_by_owner(opportunities) -> list[dict]:
    """Closed opportunities per owner: won, lost and the share won."""
    rows = (opportunities.filter(status__in=["won", "lost"]).values("owner__username", "owner__display_name")
            .annotate(won=Count("id", filter=Q(status="won")), lost=Count("id", filter=Q(status="lost")))
            .order_by("owner__username"))
    return [{"owner": r["owner__display_name"] or r["owner__username"], "username": r["owner__username"],
             "won": r["won"], "lost": r["lost"], "win_percent": _percent(r["won"], r["won"] + r["lost"])}
            for r in rows]
