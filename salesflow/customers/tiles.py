"""The customers' tiles on the home page (``core.registry.dashboard_tiles``), over the rows the user may see."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.paging import tile_count
from salesflow.core.registry import Tile, dashboard_tiles

from .models import Customer


@dashboard_tiles.register("customers-visible", order=10)
def visible_customers(user):
    return Tile(_("Customers you can see"), tile_count(Customer.objects.visible_to(user)),
                url=reverse("customers:list"), testid="customer-count")


@dashboard_tiles.register("customers-owned", order=20)
def owned_customers(user):
    return Tile(_("Customers you own"), tile_count(Customer.objects.visible_to(user).filter(owner=user)))
