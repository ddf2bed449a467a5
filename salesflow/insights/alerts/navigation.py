from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import Tile, dashboard_tiles, navigation
from salesflow.org.navigation import administers

from ..models import Alert

navigation.register("insights:alerts", _("Alerts"), "⚠", order=170)
navigation.register("insights:alert-rules", _("Alert rules"), "⚠", order=86, visible=administers, admin=True)


@dashboard_tiles.register("open-alerts", order=500)
def open_alerts_tile(user):
    red = Alert.objects.for_user(user).open().filter(level="red").count()
    return Tile(_("Red alerts open"), red, url=reverse("insights:alerts") + "?level=red", danger=red > 0,
                testid="tile-red-alerts")
