"""GET /api/v1/activities/statistics/?start=&end=&period=&by=&owner= — the activity statistics (the same selector as
the page): ``{"start", "end", "period", "by", "totals", "rows"}``. A range (start and end) replaces ``period``;
neither: this month. Finance gets 403 (no field work); an owner outside the caller's people gets no row."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router

from salesflow.core.api_schemas import QueryDate, QueryId, QueryText

from .selectors import activity_stats, period_range, sees_field_work, totals

router = Router(tags=["activities"])

By = Annotated[str, Query(pattern="^(owner|team)$")]


@router.get("/", summary="Visits planned/done, follow-ups by type, customers touched, A-class gaps, coverage")
def statistics(request, start: QueryDate = None, end: QueryDate = None, period: QueryText = "", by: By = "owner",
               owner: QueryId = None):
    if not sees_field_work(request.user):
        raise PermissionDenied(_("Your role does not see field work."))
    first, last, label = period_range(period, start, end)
    rows = activity_stats(request.user, start=first, end=last, by=by, owner_ids=[owner] if owner else None)
    return {"start": first, "end": last, "period": label, "by": by, "totals": totals(rows), "rows": rows}
