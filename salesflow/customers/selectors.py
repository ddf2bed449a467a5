"""Read-side queries for customer pages."""

from .models import OwnershipChange

RETURNS = (OwnershipChange.Action.RETURN, OwnershipChange.Action.AUTO_RETURN)


def latest_returns(customers) -> dict[int, OwnershipChange]:
    """{customer id: its latest return to the pool (with the previous owner loaded)} in one query."""
    ids = [c.pk for c in customers]
    latest: dict[int, OwnershipChange] = {}
    if not ids:
        return latest
    changes = (OwnershipChange.objects.filter(customer_id__in=ids, action__in=RETURNS)
               .select_related("from_owner").order_by("customer_id", "-at", "-id"))
    for change in changes:
        latest.setdefault(change.customer_id, change)
    return latest
