from django.utils import timezone

from salesflow.core.registry import scheduled_jobs

from .services import expire_quotations


@scheduled_jobs.register("quotation-expiry", "mark quotations whose validity date has passed as expired",
                         order=24 * 3600)
def expire_overdue_quotations(now) -> str:
    return f"expired {expire_quotations(timezone.localdate(now))} quotations"
