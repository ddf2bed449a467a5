"""The home page (each role's dashboard) and the records behind any dashboard figure."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.core.registry import tiles_for
from salesflow.core.replica import heavy_reads

from . import drills
from .panels import dashboard
from .scope import ScopeForm, default_period, scope_from


@login_required
@heavy_reads
def home(request):
    """The tiles every app registered that this user may see, then the user's role dashboard for the chosen scope."""
    form = ScopeForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        scope = form.scope()
    else:
        scope = scope_from(request.user, {"period": default_period().label})
    recent = AuditEntry.objects.filter(actor=request.user).select_related("content_type")[:8]
    board = dashboard(scope)
    return render(request, "insights/home.html", {
        "tiles": tiles_for(request.user), "recent": recent, "form": form, "dashboard": board, "scope": scope,
        "charts": {p["key"]: p["chart"] for p in board["panels"] if p["chart"]}})


@login_required
@heavy_reads
def records(request, key):
    """The records behind one dashboard figure: the same rows (drills.rows) the figure adds up, so the count and the
    sum on top of this list equal the number that was clicked."""
    drill = drills.DRILLS.get(key)
    if drill is None:
        raise Http404
    try:
        scope = scope_from(request.user, request.GET)
        narrow = drills.narrowing(request.GET)
    except ValidationError as exc:
        return render(request, "insights/dashboards/records.html", {"drill": drill, "errors": exc.message_dict},
                      status=400)
    rows = drills.rows(drill, scope, **narrow)
    summary = drills.total(drill, rows)
    page, query_string = page_of(request, drills.listed(drill, rows))
    return render(request, "insights/dashboards/records.html", {
        "drill": drill, "scope": scope, "summary": summary, "page": page, "query_string": query_string,
        "lines": [drills.describe(drill, row) for row in page],
        "first": narrow.get("first") or scope.period.start, "last": narrow.get("last") or scope.period.end})
