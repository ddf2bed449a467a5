"""The opportunities section of the customer 360 page."""

from django.db.models import Count, Sum
from django.template.loader import render_to_string

from salesflow.core.registry import customer_sections

from .models import Opportunity


@customer_sections.register("opportunities", "open and closed opportunities", order=20)
def opportunities_section(request, customer):
    opportunities = (Opportunity.objects.visible_to(request.user).filter(customer=customer)
                     .select_related("stage", "owner").order_by("-created_at")[:50])
    rows = (Opportunity.objects.visible_to(request.user).filter(customer=customer)
            .values("status").annotate(n=Count("id"), amount=Sum("amount")))
    totals = {Opportunity.Status(row["status"]).label: row for row in rows}
    return render_to_string("pipeline/customer_section.html",
                            {"opportunities": opportunities, "totals": totals, "customer": customer}, request=request)
