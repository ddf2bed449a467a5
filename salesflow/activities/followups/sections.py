"""The follow-up timelines on other apps' pages: the customer 360, the opportunity, the lead and the agreement
(through ``core.registry``'s section registries), each with a "record a follow-up" button prefilled for that
record."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from salesflow.core.registry import agreement_sections, customer_sections, lead_sections, opportunity_sections
from salesflow.org import access

from .selectors import timeline

SECTION_ROWS = 20


def _section(request, *, about: dict, back_url: str) -> str:
    activities = timeline(request.user, limit=SECTION_ROWS, **about)
    new_url = ""
    if access.can_create_pipeline_records(request.user):
        query = {name: record.pk for name, record in about.items()}
        new_url = f"{reverse('activities:followup-create')}?{urlencode({**query, 'next': back_url})}"
    more_url = ""
    if len(activities) == SECTION_ROWS and "customer" in about:
        more_url = f"{reverse('activities:followup-list')}?customer={about['customer'].pk}"
    return render_to_string("activities/followups/section.html", {
        "activities": activities, "new_url": new_url, "more_url": more_url,
    })  # no request: the page's context processors already ran


@customer_sections.register("followups", "the customer's follow-ups and visit records, newest first", order=5)
def customer_followups(request, customer):
    return _section(request, about={"customer": customer}, back_url=customer.get_absolute_url())


@opportunity_sections.register("followups", "the opportunity's follow-ups", order=5)
def opportunity_followups(request, opportunity):
    return _section(request, about={"opportunity": opportunity}, back_url=opportunity.get_absolute_url())


@agreement_sections.register("followups", "the contract's / order's follow-ups", order=50)
def agreement_followups(request, agreement):
    return _section(request, about={"agreement": agreement}, back_url=agreement.get_absolute_url())


@lead_sections.register("followups", "the lead's follow-ups", order=5)
def lead_followups(request, lead):
    return _section(request, about={"lead": lead}, back_url=lead.get_absolute_url())
