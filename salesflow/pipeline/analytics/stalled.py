"""Stalled deals: longer in their stage than most deals before them, or past their expected close date."""

import datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from ..models import Opportunity, StageDurationStat
from .durations import percentiles_per_stage

CACHE_SECONDS = 600


def compute_thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Per stage id: the (80th, 95th) percentile of days spent there, from all history (read-only; the worker
    stores them through ``pipeline.services.refresh_stall_thresholds``)."""
    return {stage: (p80, p95) for stage, (p80, p95) in percentiles_per_stage(
        Opportunity.objects.filter(pipeline=pipeline)).items()}


def cache_key(pipeline) -> str:
    return f"stalled-thresholds-{pipeline.pk}"


def thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Per stage id: (80th, 95th percentile of days spent there). Read from the stored figures; computed on the spot
    (and cached, not stored: reading never writes) only when the worker has never stored any for this pipeline."""
    key = f"stalled-thresholds-{pipeline.pk}"
    cached = cache.get(key)
    if cached is None:
        stored = StageDurationStat.objects.filter(stage__pipeline=pipeline).values_list("stage_id", "p80_days",
                                                                                          "p95_days")
        cached = {stage: (p80, p95) for stage, p80, p95 in stored}
        if not cached and not StageDurationStat.objects.filter(stage__pipeline=pipeline).exists():
            cached = compute_thresholds(pipeline)
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
