"""The funnel: tracking opportunities per stage, by count and by amount."""

from django.db.models import Count, Sum

from ..models import Opportunity, Stage


def funnel(opportunities, pipeline) -> list[dict]:
    """Only opportunities being tracked enter the funnel (won, lost and suspended ones do not)."""
    rows = {r["stage"]: r for r in opportunities.filter(pipeline=pipeline, status=Opportunity.Status.TRACKING)
            .values("stage").annotate(count=Count("id"), amount=Sum("amount")).order_by()}
    result = []
    for stage in Stage.objects.filter(pipeline=pipeline).order_by("order"):
        row = rows.get(stage.pk, {})
        result.append({"stage_id": stage.pk, "stage": stage.name, "order": stage.order,
                       "count": row.get("count", 0), "amount": row.get("amount") or 0})
    return result
