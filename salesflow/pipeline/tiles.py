"""The pipeline's tiles on the home page (``core.registry.dashboard_tiles``), over the rows the user may see."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.paging import tile_count
from salesflow.core.registry import Tile, dashboard_tiles
from salesflow.org.navigation import sells

from .analytics.stalled import stalled_queryset
from .models import Opportunity, Pipeline


@dashboard_tiles.register("opportunities-open", order=30)
def open_opportunities(user):
    count = tile_count(Opportunity.objects.visible_to(user).tracking())
    return Tile(_("Open opportunities"), count, url=reverse("pipeline:list") + "?status=tracking")


@dashboard_tiles.register("opportunities-stalled", order=40)
def stalled_opportunities(user):
    if not sells(user):
        return None
    pipeline = Pipeline.default()
    count = tile_count(stalled_queryset(Opportunity.objects.visible_to(user), pipeline)) if pipeline else 0
    return Tile(_("Stalled deals"), count, url=reverse("analytics:stalled"), danger=bool(count), testid="stalled-tile")
