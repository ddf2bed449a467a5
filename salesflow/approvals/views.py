"""The approver's inbox (待我审批), my submissions, my decided steps; one request's page with the decision form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesflow.core.paging import CappedPaginator

from . import services
from .models import ApprovalRequest, ApprovalStep

PER_PAGE = 25


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("decision"),
                                 choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))])
    comment = forms.CharField(label=gettext_lazy("comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


def _page(request, queryset):
    return CappedPaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def inbox(request, tab=None):
    """Tabs: waiting for me (default), my submissions (the reps' menu entry opens this one), decided by me."""
    tab = tab or request.GET.get("tab", "waiting")
    user = request.user
    if tab == "mine":
        page = _page(request, ApprovalRequest.objects.filter(submitted_by=user).order_by("-submitted_at", "-id"))
    elif tab == "decided":
        page = _page(request, ApprovalStep.objects.filter(decided_by=user).select_related(
            "request", "request__submitted_by").order_by("-decided_at", "-id"))
    else:
        tab = "waiting"
        page = _page(request, ApprovalStep.objects.awaiting(user).select_related(
            "request", "request__submitted_by").order_by(F("request__submitted_at").asc(), "id"))
    return render(request, "approvals/inbox.html", {"tab": tab, "page": page, "query_string": f"tab={tab}"})


def _visible(request, pk) -> ApprovalRequest:
    # visible_to = the owner's organisation (org.access) plus the request's own approvers and submitter
    return get_object_or_404(ApprovalRequest.objects.visible_to(request.user).select_related("submitted_by"), pk=pk)


@login_required
def detail(request, pk):
    approval = _visible(request, pk)
    steps = list(approval.steps.select_related("approver", "decided_by"))
    current = next((s for s in steps if s.position == approval.current_step), None)
    may_decide = services.can_decide(request.user, approval, current)
    form = DecisionForm(initial={"version": approval.version}) if may_decide else None
    return render(request, "approvals/detail.html", {
        "approval": approval, "steps": steps, "form": form,
        "may_withdraw": approval.is_pending and (request.user.pk == approval.submitted_by_id
                                                 or request.user.is_org_admin)})


@login_required
@require_POST
def decide(request, pk):
    approval = _visible(request, pk)
    if not services.can_decide(request.user, approval):
        if not approval.is_pending:
            raise services.DecisionConflict(approval)
        raise PermissionDenied(_("You are not the approver of this step."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(approval, actor=request.user, approve=form.cleaned_data["decision"] == "approve",
                            comment=form.cleaned_data["comment"], version=form.cleaned_data["version"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your decision was saved."))
            return redirect("approvals:inbox")
    steps = list(approval.steps.select_related("approver", "decided_by"))
    return render(request, "approvals/detail.html", {"approval": approval, "steps": steps, "form": form},
                  status=400)


@login_required
@require_POST
def withdraw(request, pk):
    approval = _visible(request, pk)
    version = request.POST.get("version")
    services.withdraw(approval, actor=request.user, version=int(version) if (version or "").isdigit() else None)
    messages.success(request, _("The approval request was withdrawn."))
    return redirect(approval.document_url or "approvals:mine")
