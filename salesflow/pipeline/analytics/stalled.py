"""Stalled deals: longer in their stage than most deals before them, or past their expected close date."""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from salesflow.core.registry import scheduled_jobs

from ..models import Opportunity, Pipeline, StageDurationStat
from .durations import percentiles_per_stage

CACHE_SECONDS = 600


def refresh_thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Recompute the percentiles from all history and store them (the worker does this every hour)."""
    limits = {stage: (p80, p95) for stage, (p80, p95) in percentiles_per_stage(
        Opportunity.objects.filter(pipeline=pipeline)).items()}
    with transaction.atomic():
        StageDurationStat.objects.filter(stage__pipeline=pipeline).exclude(stage_id__in=limits).delete()
        for stage_id, (p80, p95) in limits.items():
            StageDurationStat.objects.update_or_create(stage_id=stage_id, defaults={
                "p80_days": p80, "p95_days": p95, "computed_at": timezone.now()})
    cache.set(f"stalled-thresholds-{pipeline.pk}", limits, CACHE_SECONDS)
    return limits


def thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Per stage id: (80th, 95th percentile of days spent there). Read from the stored figures; computed on the spot
    only when the worker has never stored any for this pipeline."""
    key = f"stalled-thresholds-{pipeline.pk}"
    cached = cache.get(key)
    if cached is None:
        stored = StageDurationStat.objects.filter(stage__pipeline=pipeline).values_list("stage_id", "p80_days",
                                                                                          "p95_days")
        cached = {stage: (p80, p95) for stage, p80, p95 in stored}
        if not cached and not StageDurationStat.objects.filter(stage__pipeline=pipeline).exists():
            return refresh_thresholds(pipeline)
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


@scheduled_jobs.register("stage-durations", "refresh how long deals usually stay in each stage (stalled thresholds)",
                         order=3600)
def refresh_all_thresholds(now) -> str:
    pipelines = list(Pipeline.objects.filter(active=True))
    for pipeline in pipelines:
        refresh_thresholds(pipeline)
    return f"refreshed {len(pipelines)} pipelines"
