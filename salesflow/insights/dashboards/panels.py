"""Each role's dashboard: which panels, in which order. The panels live in :mod:`.sales` (targets, pipeline, people)
and :mod:`.money` (money over time, receivables); their shape in :mod:`.panel`."""

from django.utils.translation import gettext as _

from salesflow.org import access
from salesflow.org.models import Region, Role, Team

from . import money, sales
from .scope import Scope


def dashboard_role(user) -> str:
    """Which dashboard a user gets: admin and director the director's, finance its own, a manager (or anyone with
    team scope) the manager's, everyone else the rep's."""
    if user.role in (Role.ADMIN, Role.DIRECTOR) or user.is_superuser:
        return "director"
    if user.role == Role.FINANCE:
        return "finance"
    if user.role == Role.MANAGER or access.effective_scope(user) == "team":
        return "manager"
    return "rep"


def dashboard(scope: Scope) -> dict:
    role = dashboard_role(scope.user)
    builders = {
        "rep": lambda: [
            sales.my_target(scope), money.period_panel(scope), sales.funnel_panel(scope, own=True),
            sales.today_panel(scope), sales.stalled_panel(scope), money.ageing_panel(scope),
            money.year_trend(scope, "signed", _("Signed, this year against last, month by month"))],
        "manager": lambda: [
            sales.team_targets(scope), money.period_panel(scope), sales.funnel_panel(scope, own=False),
            sales.forecast_panel(scope), sales.conversion_panel(scope), sales.activity_panel(scope),
            sales.leaderboard_panel(scope), money.ageing_panel(scope), sales.alerts_panel(scope)],
        "director": lambda: [
            money.period_panel(scope),
            money.side_by_side(scope, Team, lambda d: f"{d.owner}__team", "signed", _("Signed by division"),
                               "by_team"),
            money.side_by_side(scope, Region, lambda d: d.region, "signed", _("Signed by region"), "by_region"),
            money.year_trend(scope, "signed", _("Signed, this year against last, month by month")),
            money.product_mix(scope), sales.division_forecast(scope), sales.alerts_panel(scope)],
        "finance": lambda: [
            money.collections_vs_plan(scope), money.invoices_panel(scope), money.ageing_panel(scope),
            money.year_trend(scope, "collected", _("Collected, this year against last, month by month"))],
    }
    return {"role": role, "scope": scope.as_dict(), "panels": builders[role]()}
