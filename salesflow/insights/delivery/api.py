"""/api/v1/insights/: message channels (never their secrets) and the delivery log, for administrators."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import Page, PathId, QueryText

from ..models import Channel, Delivery
from . import services

router = Router(tags=["insights"])


class ChannelOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    signed: bool
    recipients: str
    active: bool

    @staticmethod
    def resolve_signed(channel) -> bool:
        return bool(channel.secret)


class MessageDeliveryOut(Schema):
    id: int
    channel_id: int
    subject: str
    source: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def _require_admin(request):
    if not request.user.is_org_admin:
        raise PermissionDenied(_("Only an administrator manages delivery channels."))


@router.get("/channels", response=list[ChannelOut], summary="Message channels (the signing secret is never returned)")
def list_channels(request):
    _require_admin(request)
    return Channel.objects.all()


@router.post("/channels/{channel_id}/test", response={202: MessageDeliveryOut}, summary="Queue a test message")
def test_channel(request, channel_id: PathId):
    channel = get_object_or_404(Channel, pk=channel_id)
    return 202, services.send_test(channel, actor=request.user)


@router.get("/deliveries", response=list[MessageDeliveryOut],
            summary="The delivery log; status = pending | sent | failed")
@paginate(Page)
def list_deliveries(request, status: QueryText = ""):
    _require_admin(request)
    deliveries = Delivery.objects.all()
    if status:
        if status not in Delivery.Status.values:
            raise ValidationError({"status": _("Choose pending, sent or failed.")})
        deliveries = deliveries.filter(status=status)
    return deliveries


@router.post("/deliveries/{delivery_id}/retry", response=MessageDeliveryOut, summary="Send a failed delivery again")
def retry(request, delivery_id: PathId):
    delivery = get_object_or_404(Delivery, pk=delivery_id)
    return services.retry_delivery(delivery, actor=request.user)
