from salesflow.core.registry import scheduled_jobs

from .services import remind_untouched_leads


@scheduled_jobs.register("lead-reminders", "remind owners of open leads untouched for N days", order=3600)
def lead_reminders(now):
    return remind_untouched_leads(now)
