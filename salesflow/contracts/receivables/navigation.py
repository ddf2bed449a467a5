"""Menu entries and the dashboard tile of money (finance sees them all; reps see their own rows)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.registry import Tile, dashboard_tiles, navigation
from salesflow.core.templatetags.salesflow_tags import money_short

from . import selectors

navigation.register("contracts:payment-list", _("Payments"), "¥", order=110)
navigation.register("contracts:invoice-list", _("Invoices"), "▧", order=120)
navigation.register("contracts:receivables", _("Receivables"), "◷", order=130)
navigation.register("contracts:collections", _("Collection statistics"), "▦", order=140)


@dashboard_tiles.register("receivables-overdue", order=60)
def overdue_tile(user):
    """逾期应收: what is overdue in the rows the user may see (the ageing's overdue total), short as on the
    receivables page ("4,704万": a phone's tile has no room for every cent)."""
    total = selectors.ageing_totals(user)["overdue"]
    return Tile(_("Overdue receivables"), money_short(total), url=reverse("contracts:receivables"),
                danger=bool(total), testid="overdue-receivables-tile")
