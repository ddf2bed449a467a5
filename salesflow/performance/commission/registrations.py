"""What commission registers in core's registries: menu entries, the rep's home tile, the CLI report and the demo
data step."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesflow.core.money import format_money
from salesflow.core.registry import Tile, dashboard_tiles, navigation
from salesflow.org.models import Role

from . import generate, reports  # noqa: F401  (registers the report and the generator step)


def _is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


navigation.register("performance:commission-statements", _("Commission"), "%", order=160)
navigation.register("performance:commission-plans", _("Commission plans"), "%", order=160, visible=_is_admin,
                    admin=True)


@dashboard_tiles.register("commission-this-month", order=70)
def commission_tile(user):
    """本月预计提成: the commission of the rep's draft for this month (computed live, nothing written, when there is
    no draft yet); hidden for anyone without a plan in force."""
    from django.utils import timezone

    from salesflow.core.periods import period_of

    from . import selectors, services

    if not user.is_authenticated or user.role not in (Role.REP, Role.MANAGER):
        return None
    month = period_of("month", timezone.localdate())
    plan = services.plan_for(user, month.end)  # one query when no plan is in force (the tile is then hidden)
    if plan is None:
        return None
    statement = selectors.current_draft(user)
    value = statement.commission if statement is not None else services.compute(plan, user, month).commission
    return Tile(_("Expected commission this month"), "¥" + format_money(value),
                url=reverse("performance:commission-statements"), testid="commission-tile")
