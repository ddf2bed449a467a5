"""Pipeline changes since a date, for the opportunities expected to close in a period."""

import datetime

from django.db.models import Q

from ..models import OpportunityChange, StageChange


def pipeline_changes(opportunities, period, since: datetime.datetime) -> dict[str, list[int]]:
    """Ids of the opportunities behind each kind of change since ``since``."""
    visible_ids = opportunities.order_by().values("id")
    changes = OpportunityChange.objects.filter(changed_at__gte=since, opportunity__in=visible_ids)
    status_changes = StageChange.objects.filter(changed_at__gte=since, opportunity__in=visible_ids).exclude(
        from_status="")
    start, end = period.start.isoformat(), period.end.isoformat()

    def in_period(value):
        return start <= value[:10] <= end

    moved_in, moved_out, up, down = set(), set(), set(), set()
    for change in changes.order_by("changed_at").iterator():
        if change.field == "expected_close_date":
            if in_period(change.new_value) and not in_period(change.old_value):
                moved_in.add(change.opportunity_id)
            elif in_period(change.old_value) and not in_period(change.new_value):
                moved_out.add(change.opportunity_id)
        elif change.field == "amount":
            (up if float(change.new_value) > float(change.old_value) else down).add(change.opportunity_id)
    in_scope = opportunities.filter(expected_close_date__range=(period.start, period.end))
    return {
        "new": list(in_scope.filter(created_at__gte=since).values_list("id", flat=True)),
        "moved_in": sorted(moved_in),
        "moved_out": sorted(moved_out),
        "amount_up": sorted(up & set(in_scope.values_list("id", flat=True))),
        "amount_down": sorted(down & set(in_scope.values_list("id", flat=True))),
        "won": list(status_changes.filter(to_status="won", opportunity__in=in_scope).values_list(
            "opportunity_id", flat=True).distinct()),
        "lost": list(status_changes.filter(to_status="lost", opportunity__in=in_scope).values_list(
            "opportunity_id", flat=True).distinct()),
    }


def opportunities_for(opportunities, ids):
    return opportunities.filter(Q(pk__in=ids)).select_related("customer", "owner", "stage")
