"""What the agreements plug into: approval hooks, menu entries, the opportunity page and the customer 360 page."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from salesflow.approvals import registry as approval_registry
from salesflow.contracts.models import Agreement
from salesflow.core.registry import customer_sections, navigation, opportunity_sections
from salesflow.org.navigation import administers

from . import services

approval_registry.register(Agreement, on_approved=services.approve, on_rejected=services.reject,
                           on_withdrawn=services.withdrawn)

navigation.register("contracts:agreement-list", _("Contracts / orders"), "▤", order=100)
navigation.register("contracts:numbering-settings", _("Document numbering"), "#", order=75, visible=administers,
                    admin=True)


def _section(request, agreements, **extra):
    return render_to_string("contracts/agreement_section.html", {
        "agreements": agreements.select_related("customer").order_by("-signed_on", "-id")[:20], **extra},
        request=request)


@opportunity_sections.register("agreements", "the opportunity's contracts and orders", order=20)
def opportunity_agreements(request, opportunity):
    agreements = Agreement.objects.visible_to(request.user).filter(opportunity=opportunity)
    offer = opportunity.status == "won" and opportunity.customer_id is not None \
        and services.may_create(request.user, opportunity.customer)
    return _section(request, agreements, opportunity=opportunity, offer_create=offer)


@customer_sections.register("agreements", "contracts and orders", order=30)
def customer_agreements(request, customer):
    agreements = Agreement.objects.visible_to(request.user).filter(customer=customer)
    return _section(request, agreements, customer=customer,
                    offer_create=services.may_create(request.user, customer))
