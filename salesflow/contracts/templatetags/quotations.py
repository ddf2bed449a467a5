"""``{% quotations_section opportunity %}``: the opportunity page's quotation list and its "New quotation" button."""

from django import template

from salesflow.contracts.models import Quotation

register = template.Library()


@register.inclusion_tag("contracts/opportunity_quotations.html", takes_context=True)
def quotations_section(context, opportunity):
    from salesflow.contracts.quotations.services import may_quote

    user = context["request"].user
    quotations = (Quotation.objects.visible_to(user).filter(opportunity=opportunity).select_related("owner")
                  .order_by("-created_at", "-id")[:20])
    return {"quotations": quotations, "opportunity": opportunity, "can_quote": may_quote(user, opportunity)}
