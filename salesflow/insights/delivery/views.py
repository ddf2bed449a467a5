"""Administration of delivery channels and the deliveries log (failed ones can be sent again)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.paging import page_of

from ..models import Channel, Delivery
from . import services
from .forms import ChannelForm


def _require_admin(user):
    if not user.is_org_admin:
        raise PermissionDenied(_("Only an administrator manages delivery channels."))


@login_required
def channel_list(request):
    _require_admin(request.user)
    return render(request, "insights/delivery/channels.html", {"channels": Channel.objects.all()})


@login_required
def channel_edit(request, pk=None):
    _require_admin(request.user)
    channel = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        channel = form.save()
        messages.success(request, _("Channel saved."))
        return redirect("insights:channel", pk=channel.pk)
    return render(request, "insights/delivery/channel_form.html", {"form": form, "channel": channel},
                  status=400 if request.method == "POST" else 200)


@login_required
def channel_detail(request, pk):
    _require_admin(request.user)
    channel = get_object_or_404(Channel, pk=pk)
    recent = channel.deliveries.all()[:20]
    return render(request, "insights/delivery/channel.html", {"channel": channel, "recent": recent})


@login_required
@require_POST
def channel_test(request, pk):
    channel = get_object_or_404(Channel, pk=pk)
    services.send_test(channel, actor=request.user)
    messages.success(request, _("A test message is on its way; its result shows below in a moment."))
    return redirect("insights:channel", pk=channel.pk)


@login_required
def delivery_list(request):
    _require_admin(request.user)
    status = request.GET.get("status", "")
    deliveries = Delivery.objects.select_related("channel")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page, params = page_of(request, deliveries)
    return render(request, "insights/delivery/deliveries.html", {
        "page": page, "query_string": params, "status": status, "statuses": Delivery.Status.choices})


@login_required
@require_POST
def delivery_retry(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    services.retry_delivery(delivery, actor=request.user)
    messages.success(request, _("The message will be sent again."))
    return redirect("insights:deliveries")
