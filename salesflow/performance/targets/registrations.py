"""What targets register in core's registries: the menu entry, the home-page tile, the CLI report, the importer and
the demo generator step."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.periods import parse_period, period_of
from salesflow.core.registry import Tile, dashboard_tiles, navigation, reports
from salesflow.org.models import Role

from . import imports  # noqa: F401  (registers the importer)
from .completion import completion_tree, own_completion

TILE_MEASURE = "signed_amount"

navigation.register("performance:target-completion", gettext_lazy("Targets"), "◎", order=155)


@dashboard_tiles.register("target-completion", order=25)
def quarter_completion(user):
    """本季度目标完成率 of the user's own node (a rep) or team (a manager); hidden without an approved plan (or
    without a target for them in it)."""
    if user.role not in (Role.REP, Role.MANAGER) or user.is_superuser:
        return None
    today = timezone.localdate()
    quarter = period_of("quarter", today)
    row = own_completion(user, TILE_MEASURE, quarter, today=today)
    if row is None:  # no approved plan (or no target for them in it)
        return None
    if row.completion_pct is not None:
        value = f"{row.completion_pct}%"
    else:
        value = row.note
    url = reverse("performance:target-completion") + f"?period={quarter.label}&measure={TILE_MEASURE}"
    return Tile(_("Target completion this quarter"), value, url=url, danger=row.colour == "red",
                testid="target-tile")


@reports.register("targets", "target completion per node for a period (--period, default this quarter; "
                             "--user: the tree that user may see)")
def targets_report(*, user=None, period=None, measure: str = TILE_MEASURE):
    span = parse_period(period) if period else period_of("quarter", timezone.localdate())
    try:
        result = completion_tree(user, measure, span)
    except PermissionDenied as exc:
        raise ValueError(str(exc)) from None
    return {"period": span.label, "measure": measure, "plan": result.plan.pk if result.plan else None,
            "today": result.today.isoformat(), "rows": [row.as_dict() for row in result.rows]}

from . import generate  # noqa: E402,F401  (registers the demo generator step)
