"""Sales cycle: days from creation to won, and average time spent in each stage."""

import statistics

from ..models import Opportunity, Stage
from .durations import average_days_per_stage


def sales_cycle(opportunities, pipeline) -> dict:
    won = opportunities.filter(pipeline=pipeline, status=Opportunity.Status.WON, closed_at__isnull=False)
    days = sorted((closed - created).total_seconds() / 86400
                  for created, closed in won.values_list("created_at", "closed_at").iterator(chunk_size=10000))
    per_stage = average_days_per_stage(opportunities.filter(pipeline=pipeline))
    return {
        "won": len(days),
        "average_days": round(statistics.fmean(days), 1) if days else None,
        "median_days": round(statistics.median(days), 1) if days else None,
        "stages": [{"stage": s.name, "order": s.order, "average_days": per_stage.get(s.pk)}
                   for s in Stage.objects.filter(pipeline=pipeline).order_by("order")],
    }
