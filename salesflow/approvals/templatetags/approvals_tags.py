"""``{% load approvals_tags %}{% approval_history document %}``: a document's approval history (renders
``approvals/_history.html``; pages that already hold ``services.history(document)`` may include it directly)."""

from django import template

from salesflow.approvals import services

register = template.Library()


@register.inclusion_tag("approvals/_history.html")
def approval_history(document):
    return {"approvals": services.history(document)}
