from salesflow.core.registry import scheduled_jobs

from .services import send_due


@scheduled_jobs.register("deliveries", "send messages to WeCom / DingTalk / Feishu / e-mail that are due (retries)",
                         order=60)
def deliveries(now):
    counts = send_due(now)
    return ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "nothing due"
