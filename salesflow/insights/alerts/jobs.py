from salesflow.core.registry import scheduled_jobs

from .services import evaluate_due


@scheduled_jobs.register("alerts", "evaluate the alert rules that are due; raise, escalate and clear alerts",
                         order=300)
def alerts(now):
    results = evaluate_due(now)
    return "; ".join(f"{metric}: {result}" for metric, result in results.items()) or "no rule due"
