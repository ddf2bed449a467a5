"""/api/v1/insights/alerts: the caller's alerts (as the alert centre shows them), acknowledge and resolve."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import InputSchema, Page, PathId, QueryText

from ..models import Alert
from . import services

router = Router(tags=["insights"])


class AlertOut(Schema):
    id: int
    rule: str
    metric: str
    level: str
    status: str
    subject: str
    url: str
    message: str
    value: Decimal
    owner_id: int | None
    team_id: int | None
    raised_at: datetime
    escalation: int
    escalated_to_id: int | None

    @staticmethod
    def resolve_rule(alert) -> str:
        return alert.rule.label

    @staticmethod
    def resolve_metric(alert) -> str:
        return alert.rule.metric


class NoteIn(InputSchema):
    note: str = ""


@router.get("/alerts", response=list[AlertOut], summary="Alerts the caller may see; status = open (default) | new "
                                                        "| acknowledged | resolved; level = yellow | red")
@paginate(Page)
def list_alerts(request, status: QueryText = "", level: QueryText = ""):
    alerts = Alert.objects.for_user(request.user).select_related("rule")
    if status in ("", "open"):
        alerts = alerts.open()
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    else:
        raise ValidationError({"status": _("Choose open, new, acknowledged or resolved.")})
    if level:
        if level not in ("yellow", "red"):
            raise ValidationError({"level": _("Choose yellow or red.")})
        alerts = alerts.filter(level=level)
    return alerts.order_by("-raised_at", "-id")


def _alert(request, alert_id):
    return get_object_or_404(Alert.objects.for_user(request.user).select_related("rule"), pk=alert_id)


@router.get("/alerts/{alert_id}", response=AlertOut)
def get_alert(request, alert_id: PathId):
    return _alert(request, alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request, alert_id: PathId, payload: NoteIn):
    return services.acknowledge(_alert(request, alert_id), actor=request.user, note=payload.note)


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, summary="Resolve; note (what was done) is required")
def resolve_alert(request, alert_id: PathId, payload: NoteIn):
    return services.resolve(_alert(request, alert_id), actor=request.user, note=payload.note)
