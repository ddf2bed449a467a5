"""The visit plans section of the customer 360 page: upcoming and recent plans of this customer."""

from django.template.loader import render_to_string
from django.utils import timezone

from salesflow.core.registry import customer_sections
from salesflow.org import access

from . import selectors


@customer_sections.register("visit_plans", "upcoming and recent visit plans", order=25)
def visit_plans_section(request, customer):
    if not access.can_create_pipeline_records(request.user):
        return ""  # finance sees no field work (and plans none)
    upcoming, recent = selectors.customer_plans(request.user, customer, day=timezone.localdate())
    return render_to_string("activities/visits/customer_section.html", {
        "upcoming": upcoming, "recent": recent, "customer": customer,
        "can_plan": True,  # the page shows a customer the user may see: the rule plan_visit asks of the customer
    })  # no request: nothing here needs it, and it would re-run the context processors (a query)
