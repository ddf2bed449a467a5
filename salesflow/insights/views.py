from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from salesflow.core.models import AuditEntry
from salesflow.core.registry import tiles_for


@login_required
def home(request):
    """The dashboard: the tiles every app registered that this user may see, and their recent changes."""
    recent = AuditEntry.objects.filter(actor=request.user).select_related("content_type")[:8]
    return render(request, "insights/home.html", {"tiles": tiles_for(request.user), "recent": recent})
