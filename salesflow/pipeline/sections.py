"""The opportunities section of the customer 360 page."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.template.loader import render_to_string

from salesflow.core.registry import customer_sections

from . import services
from .models import Opportunity


def may_create(user, customer) -> bool:
    """Whether "New opportunity" is offered: the same check the page and the API ask before creating."""
    try:
        services.check_can_create(user, customer)
    except PermissionDenied:
        return False
    return True


@customer_sections.register("opportunities", "open and closed opportunities", order=20)
def opportunities_section(request, customer):
    opportunities = (Opportunity.objects.visible_to(request.user).filter(customer=customer)
                     .select_related("stage", "owner").order_by("-created_at")[:50])
    rows = (Opportunity.objects.visible_to(request.user).filter(customer=customer)
            .values("status").annotate(n=Count("id"), amount=Sum("amount")))
    totals = {Opportunity.Status(row["status"]).label: row for row in rows}
    return render_to_string("pipeline/customer_section.html", {
        "opportunities": opportunities, "totals": totals, "customer": customer,
        "can_create": may_create(request.user, customer),
    }, request=request)
