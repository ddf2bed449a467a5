"""The opportunity page's quotations panel (through ``core.registry.opportunity_sections``)."""

from django.template.loader import render_to_string

from salesflow.contracts.models import Quotation
from salesflow.core.registry import opportunity_sections

from .services import may_quote


@opportunity_sections.register("quotations", "the opportunity's quotations and a New quotation button", order=10)
def quotations_section(request, opportunity):
    quotations = (Quotation.objects.visible_to(request.user).filter(opportunity=opportunity)
                  .order_by("-created_at", "-id")[:20])
    return render_to_string("contracts/opportunity_quotations.html", {
        "quotations": quotations, "opportunity": opportunity, "can_quote": may_quote(request.user, opportunity),
    })  # no request: its context processors (the bell's count) already ran for the page
