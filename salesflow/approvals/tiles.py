"""The home page's "awaiting my approval" tile (``core.registry.dashboard_tiles``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.paging import tile_count
from salesflow.core.registry import Tile, dashboard_tiles

from .models import ApprovalStep
from .navigation import approves


@dashboard_tiles.register("approvals-awaiting", order=5)
def awaiting_me(user):
    if not approves(user):
        return None
    count = tile_count(ApprovalStep.objects.awaiting(user))
    return Tile(_("Awaiting my approval"), count, url=reverse("approvals:inbox"), danger=bool(count),
                testid="approvals-tile")
