"""Stalled deals: longer in their stage than most deals before them, or past their expected close date."""

import datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from ..models import Opportunity
from .durations import percentiles_per_stage

CACHE_SECONDS = 600


def thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Per stage id: (80th, 95th percentile of days spent there), over all history (cached)."""
    key = f"stalled-thresholds-{pipeline.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = {stage: (p80, p95) for stage, (p80, p95) in percentiles_per_stage(
            Opportunity.objects.filter(pipeline=pipeline)).items()}
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def level(opportunity, limits, today) -> str | None:
    if opportunity.status != Opportunity.Status.TRACKING:
        return None
    if opportunity.expected_close_date < today:
        return "red"
    p80, p95 = limits.get(opportunity.stage_id, (None, None))
    if p80 is None:
        return None
    days = (timezone.now() - opportunity.stage_entered_at).total_seconds() / 86400
    return "red" if days > p95 else "yellow" if days > p80 else None


def stalled_levels(opportunities) -> dict[int, str]:
    """{opportunity id: "red" | "yellow"} for the given (already loaded) opportunities."""
    today = timezone.localdate()
    by_pipeline: dict[int, dict] = {}
    result = {}
    for opportunity in opportunities:
        limits = by_pipeline.get(opportunity.pipeline_id)
        if limits is None:
            limits = by_pipeline[opportunity.pipeline_id] = thresholds(opportunity.pipeline)
        flag = level(opportunity, limits, today)
        if flag:
            result[opportunity.pk] = flag
    return result


def stalled_queryset(opportunities, pipeline):
    """Tracking opportunities past their date or beyond their stage's 80th percentile, in SQL."""
    now = timezone.now()
    condition = Q(expected_close_date__lt=timezone.localdate())
    for stage_id, (p80, _p95) in thresholds(pipeline).items():
        condition |= Q(stage_id=stage_id, stage_entered_at__lt=now - datetime.timedelta(days=p80))
    return opportunities.filter(pipeline=pipeline, status=Opportunity.Status.TRACKING).filter(condition)
