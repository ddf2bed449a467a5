from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from salesflow.core.paging import CappedPaginator
from salesflow.org import access
from salesflow.org.models import Role

from .audit_display import describe
from .models import AuditEntry, Notification


@login_required
def audit_log(request):
    access.require_role(request.user, Role.ADMIN)
    entries = AuditEntry.objects.select_related("actor", "content_type")
    model = request.GET.get("model", "")
    if model:
        entries = entries.filter(content_type__model=model)
    actor = request.GET.get("actor", "")
    if actor:
        entries = entries.filter(actor__username=actor)
    page = CappedPaginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    models = ContentType.objects.filter(
        pk__in=AuditEntry.objects.values("content_type").distinct()
    ).order_by("model")
    return render(
        request, "core/audit_log.html", {"page": page, "models": models, "model": model, "actor": actor}
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def notifications(request):
    items = Notification.objects.filter(recipient=request.user)
    page = CappedPaginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    return redirect("notifications")
