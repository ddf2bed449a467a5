"""The "which customer?" first step of pages that start from a customer (plan a visit, record a follow-up, a new
contract / order): a name search over the customers the user may see, nothing before a search, at most
``PICK_LIMIT`` names. Each page keeps its own template (its title, and where a chosen customer leads)."""

from django.shortcuts import render

from .models import Customer

PICK_LIMIT = 20
QUERY_LENGTH = 100  # longer than any customer name is useful for (names hold 200 characters; a search, less)


def customers_named(user, q: str):
    """The customers ``user`` may see whose name contains ``q`` (by name, at most ``PICK_LIMIT``); none for ''."""
    customers = Customer.objects.visible_to(user).order_by("name")
    return customers.filter(name__icontains=q)[:PICK_LIMIT] if q else customers.none()


def render_customer_pick(request, template: str):
    """Render ``template`` with ``customers`` (the matches of ``?q=``) and ``q``."""
    q = request.GET.get("q", "").strip()[:QUERY_LENGTH]
    return render(request, template, {"customers": customers_named(request.user, q), "q": q})
