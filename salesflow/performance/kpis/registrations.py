"""What KPIs plug into core's registries: menu entries, the home tile "我的排名", the CLI reports, the demo step."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from salesflow.core.periods import period_of
from salesflow.core.registry import Tile, dashboard_tiles, navigation
from salesflow.org.models import Role

from . import generate, reports  # noqa: F401  (registers the reports and the generator step)


def _managers(user) -> bool:
    return user.is_authenticated and user.is_manager_or_above


def _sales(user) -> bool:
    return user.is_authenticated and user.role in (Role.REP, Role.MANAGER)


def _admins(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)


navigation.register("performance:kpi-scorecard", _lazy("My scorecard"), "◎", order=163, visible=_sales)
navigation.register("performance:kpi-team-scorecards", _lazy("Team scorecards"), "◉", order=164, visible=_managers)
navigation.register("performance:kpi-leaderboard", _lazy("Leaderboard"), "☰", order=165)
navigation.register("performance:kpi-scorecard-settings", _lazy("Scorecard settings"), "◎", order=160,
                    visible=_admins, admin=True)
navigation.register("performance:kpi-manual-values", _lazy("KPI values entered by hand"), "✎", order=161,
                    visible=_managers, admin=True)


@dashboard_tiles.register("my-rank", order=70)
def my_rank_tile(user):
    """我的排名 第 N / M: the rep's place on this month's company board of signed amount."""
    if not user.is_authenticated or user.role != Role.REP:
        return None
    from ..models import Kpi
    from . import selectors

    kpi = Kpi.objects.filter(key="signed_amount", active=True).first()
    if kpi is None:
        return None
    period = period_of("month", timezone.localdate())
    rank, ranked = selectors.standing(kpi, period, selectors.SCOPE_COMPANY, user)
    value = _("No. %(rank)s / %(total)s") % {"rank": rank, "total": ranked} if rank else _("No data yet")
    return Tile(_("My rank"), value, url=f"{reverse('performance:kpi-leaderboard')}?period={period.label}",
                testid="my-rank-tile")
