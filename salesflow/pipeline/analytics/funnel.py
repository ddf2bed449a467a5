"""The funnel: tracking opportunities per stage, by count and by amount."""

from django.db.models import Count, Sum

from ..models import FunnelRollup, Opportunity, Stage

# Filters the roll-up can answer (it keeps owner and team); any other filter is answered from the opportunities.
ROLLUP_FILTERS = {"pipeline", "team", "owner"}


def funnel(opportunities, pipeline) -> list[dict]:
    """Only opportunities being tracked enter the funnel (won, lost and suspended ones do not)."""
    rows = {r["stage"]: r for r in opportunities.filter(pipeline=pipeline, status=Opportunity.Status.TRACKING)
            .values("stage").annotate(count=Count("id"), amount=Sum("amount")).order_by()}
    return _per_stage(rows, pipeline)


def funnel_rollup(user, pipeline, *, team=None, owner=None) -> list[dict]:
    """The same figures as ``funnel`` over the opportunities ``user`` may see (``None``: all, for the CLI), read
    from the roll-up: a few rows per owner and stage, whatever the number of deals."""
    rollups = FunnelRollup.objects.visible_to(user) if user is not None else FunnelRollup.objects.all()
    rollups = rollups.filter(pipeline_id=pipeline.pk, status=Opportunity.Status.TRACKING)
    if team is not None:
        rollups = rollups.filter(team_key__in=team.subtree().values("id"))
    if owner is not None:
        rollups = rollups.filter(owner_id=owner.pk)
    rows = {r["stage_id"]: {"count": r["count"], "amount": r["amount"]}
            for r in rollups.values("stage_id").annotate(count=Sum("n"), amount=Sum("amount")).order_by()}
    return _per_stage(rows, pipeline)


def funnel_for(user, form, pipeline) -> list[dict]:
    """The funnel page's and API's figures: from the roll-up when only pipeline, team or owner are chosen."""
    from .filters import visible

    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        return funnel(form.apply(visible(user)), pipeline)  # apply() answers an invalid form with no rows
    if any(value for name, value in data.items() if name not in ROLLUP_FILTERS):
        return funnel(form.apply(visible(user)), pipeline)
    return funnel_rollup(user, pipeline, team=data.get("team"), owner=data.get("owner"))


def _per_stage(rows, pipeline) -> list[dict]:
    result = []
    for stage in Stage.objects.filter(pipeline=pipeline).order_by("order"):
        row = rows.get(stage.pk, {})
        result.append({"stage_id": stage.pk, "stage": stage.name, "order": stage.order,
                       "count": row.get("count") or 0, "amount": row.get("amount") or 0})
    return result
