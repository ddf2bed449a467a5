"""Changing KPI data: a role's scorecard (KPIs, weights summing to 100%, targets) and values entered by hand.
Keyword-only, one transaction each, audited; the settings page, the API and the demo generator all call these."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.money import to_money
from salesflow.core.periods import parse_period
from salesflow.org import access
from salesflow.org.models import Role

from ..models import Kpi, ManualValue, Scorecard, ScorecardItem

WEIGHT_TOTAL = Decimal(100)


def validate_items(items: list[dict]) -> None:
    """Each item: {"kpi": Kpi, "weight": Decimal, "target": Decimal | None, "approved_target": bool}."""
    if not items:
        raise ValidationError({"weight": _("Choose at least one KPI for the scorecard.")})
    total = sum((Decimal(i["weight"]) for i in items), Decimal(0))
    if total != WEIGHT_TOTAL:
        raise ValidationError({"weight": _("The weights must add up to 100%% (now %(total)s%%).") % {
            "total": f"{total.normalize():f}"}})
    for item in items:
        kpi = item["kpi"]
        if Decimal(item["weight"]) <= 0:
            raise ValidationError({"weight": _("%(kpi)s: a weight must be above 0.") % {"kpi": kpi.label}})
        if item.get("approved_target") and kpi.formula != Kpi.Formula.VS_TARGET:
            raise ValidationError({"target": _("%(kpi)s: only a KPI measured against its approved target can use "
                                               "the approved target.") % {"kpi": kpi.label}})
        if not item.get("approved_target") and (item.get("target") is None or Decimal(item["target"]) <= 0):
            raise ValidationError({"target": _("%(kpi)s: enter a target above 0.") % {"kpi": kpi.label}})


def save_scorecard(*, actor, role: str, items: list[dict], version: int | None = None) -> Scorecard:
    """Replace ``role``'s scorecard with ``items`` (refused unless the weights add up to 100%)."""
    access.require_role(actor, Role.ADMIN)
    if role not in Scorecard.Role.values:
        raise ValidationError({"role": _("Choose the rep or the manager scorecard.")})
    validate_items(items)
    with transaction.atomic():
        card, created = Scorecard.objects.select_for_update().get_or_create(role=role)
        if not created:
            if version is not None:
                card.version = version
            card.save()  # bumps the version; a stale one is refused (StaleEditError)
        card.items.all().delete()
        ScorecardItem.objects.bulk_create([
            ScorecardItem(scorecard=card, kpi=i["kpi"], weight=Decimal(i["weight"]), order=n,
                          target=None if i.get("approved_target") else Decimal(i["target"]),
                          approved_target=bool(i.get("approved_target")))
            for n, i in enumerate(items)])
        audit.record(card, "update", actor=actor, changes={
            "items": [f"{i['kpi'].key} {i['weight']}% → {'approved' if i.get('approved_target') else i['target']}"
                      for i in items]})
    return card


def enter_manual_value(*, actor, kpi: Kpi, period: str, value, user=None, team=None) -> ManualValue:
    """Set a hand-entered KPI value (market share, training hours) for one person or team and period."""
    if kpi.formula != Kpi.Formula.MANUAL:
        raise ValidationError({"kpi": _("This KPI is computed; only values of KPIs entered by hand can be set.")})
    if (user is None) == (team is None):
        raise ValidationError({"user": _("Choose one person or one team.")})
    if user is not None and not (actor.is_manager_or_above and access.oversees(actor, user)):
        raise access.PermissionDenied(_("You may not enter values for this person."))
    if team is not None and not (access.effective_scope(actor) == "all"
                                 or (actor.is_manager_or_above and team.pk in access.team_subtree_ids(actor))):
        raise access.PermissionDenied(_("You may not enter values for this team."))
    try:
        label = parse_period(period).label
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    with transaction.atomic():
        row, _created = ManualValue.objects.update_or_create(
            kpi=kpi, user=user, team=team, period=label, defaults={"value": to_money(value), "entered_by": actor})
    return row
