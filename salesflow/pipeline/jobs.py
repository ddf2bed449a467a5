from salesflow.core.registry import scheduled_jobs

from .models import Pipeline
from .services import refresh_stall_thresholds


@scheduled_jobs.register("stage-durations", "refresh how long deals usually stay in each stage (stalled thresholds)",
                         order=3600)
def refresh_all_thresholds(now) -> str:
    pipelines = list(Pipeline.objects.filter(active=True))
    for pipeline in pipelines:
        refresh_stall_thresholds(pipeline)
    return f"refreshed {len(pipelines)} pipelines"
