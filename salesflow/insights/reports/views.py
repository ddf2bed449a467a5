"""Sales reports: the history with a "generate now" form, the download, and the subscriptions (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core import audit
from salesflow.core.paging import page_of
from salesflow.org.models import Role

from ..models import ReportSubscription, SalesReport
from . import services
from .data import may_report_on_company
from .forms import ReportRequestForm, SubscriptionForm
from .render import FORMATS


def reads_reports(user) -> bool:
    """The roles that may have some report (a manager with a team, director, admin, finance); no query (the menu
    asks on every page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return may_report_on_company(user) or (user.role == Role.MANAGER and bool(user.team_id))


@login_required
def report_list(request):
    if not reads_reports(request.user):
        raise PermissionDenied(_("Your role has no sales reports."))
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_report(actor=request.user, kind=form.cleaned_data["kind"],
                                    period=form.cleaned_data["period"], team=form.cleaned_data["team"],
                                    lang=form.cleaned_data["lang"], fmt=form.cleaned_data["format"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report is being generated; it appears below in a moment."))
            return redirect("insights:reports")
    reports = SalesReport.objects.visible_to(request.user).without_content().select_related("team", "generated_by")
    page, params = page_of(request, reports)
    context = {"form": form, "page": page, "query_string": params,
               "pending": any(r.status == SalesReport.Status.PENDING for r in page.object_list)}
    template = "insights/reports/_history.html" if request.htmx else "insights/reports/list.html"
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@login_required
def report_download(request, pk):
    report = get_object_or_404(SalesReport.objects.visible_to(request.user), pk=pk, status=SalesReport.Status.READY)
    audit.record(report, "export", note=report.filename, actor=request.user)
    response = HttpResponse(bytes(report.content), content_type=FORMATS[report.format][0])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


def _require_admin(user):
    if not user.is_org_admin:
        raise PermissionDenied(_("Only an administrator manages report subscriptions."))


@login_required
def subscription_list(request):
    _require_admin(request.user)
    subscriptions = ReportSubscription.objects.select_related("team", "channel")
    return render(request, "insights/reports/subscriptions.html", {"subscriptions": subscriptions})


@login_required
def subscription_edit(request, pk=None):
    _require_admin(request.user)
    subscription = get_object_or_404(ReportSubscription, pk=pk) if pk else None
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Subscription saved."))
        return redirect("insights:report-subscriptions")
    return render(request, "insights/reports/subscription_form.html", {"form": form, "subscription": subscription},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def subscription_delete(request, pk):
    _require_admin(request.user)
    get_object_or_404(ReportSubscription, pk=pk).delete()
    messages.success(request, _("Subscription deleted."))
    return redirect("insights:report-subscriptions")
