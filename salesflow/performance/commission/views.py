"""Commission pages: plans (administrators), statements (each person sees what ``org.access`` lets them), one
statement with its lines and status actions, its XLSX/PDF export, and the what-if simulation of a changed plan.
Thin: parse, authorise, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.paging import page_of
from salesflow.core.periods import parse_period, period_of
from salesflow.org import access
from salesflow.org.models import Role

from ..models import CommissionPlan
from . import exports, selectors, services, whatif
from .forms import PlanForm, StatementFilterForm, TierFormSet, WhatIfForm, initial_tiers, tiers_from

RULES = _("Marginal tiers: each slice of attainment is paid at its own tier's rate (a tier covers [from %, to %) of "
          "quota; the rate is a percentage of the amount in that slice). Tiers above 100% are the accelerator. Below "
          "the decelerator threshold every rate is multiplied by the decelerator factor. Commission is capped at the "
          "cap × the variable target. Each line is rounded half-up to the cent once; the total is the sum of the "
          "lines.")


def _error_messages(form, error):
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
def plan_list(request):
    access.require_role(request.user, Role.ADMIN)
    return render(request, "performance/commission/plan_list.html", {"plans": selectors.plans(), "rules": RULES})


@login_required
def plan_edit(request, pk=None):
    access.require_role(request.user, Role.ADMIN)
    plan = get_object_or_404(CommissionPlan, pk=pk) if pk else CommissionPlan()
    tier_errors = []
    if request.method == "POST":
        form = PlanForm(request.POST, instance=plan)
        tiers = TierFormSet(request.POST, prefix="tiers")
        if form.is_valid() and tiers.is_valid():
            try:
                services.save_plan(plan=form.instance, tiers=tiers_from(tiers),
                                   members=form.cleaned_data["members"], actor=request.user)
            except StaleEditError:
                form.add_error(None, StaleEditError.message)
            except ValidationError as error:
                tier_errors = error.message_dict.pop("tiers", [])
                _error_messages(form, ValidationError(error.message_dict) if error.message_dict else error)
            else:
                messages.success(request, _("Commission plan saved."))
                return redirect("performance:commission-plans")
    else:
        form = PlanForm(instance=plan, initial={"members": list(plan.members.all()) if plan.pk else []})
        tiers = TierFormSet(prefix="tiers", initial=initial_tiers(plan) if plan.pk else [
            {"from_percent": 0, "to_percent": 100, "rate": 3}, {"from_percent": 100, "rate": 5}])
    return render(request, "performance/commission/plan_form.html",
                  {"form": form, "tiers": tiers, "tier_errors": tier_errors, "plan": plan, "rules": RULES})


@login_required
def statement_list(request):
    form = StatementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.statements(request.user, period=filters.get("period", ""), status=filters.get("status", ""))
    page, query = page_of(request, rows)
    can_compute = request.user.is_manager_or_above
    return render(request, "performance/commission/statement_list.html", {
        "form": form, "page": page, "query": query, "can_compute": can_compute,
        "default_period": period_of("month", timezone.localdate()).label})


@login_required
@require_POST
def statement_compute(request):
    if not request.user.is_manager_or_above:
        access.require_role(request.user, Role.ADMIN)
    try:
        period = parse_period(request.POST.get("period", ""))
        users = access.users_in_scope(request.user).filter(role__in=[Role.REP, Role.MANAGER])
        done = services.compute_statements(users=users, period=period, actor=request.user)
    except (ValueError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("%(computed)s statements computed, %(skipped)s skipped (frozen or without a "
                                    "plan).") % done)
    return redirect("performance:commission-statements")


@login_required
def statement_detail(request, pk):
    statement = selectors.statement(request.user, pk)
    return render(request, "performance/commission/statement_detail.html", {
        "statement": statement, "lines": selectors.lines(statement),
        "can_confirm": statement.status == "draft" and services.can_confirm(request.user, statement),
        "can_approve": statement.status == "confirmed" and services.can_approve(request.user, statement),
        "can_recompute": statement.status == "draft" and services.can_confirm(request.user, statement)})


@login_required
@require_POST
def statement_action(request, pk, action):
    if action not in ("confirm", "approve", "recompute"):
        raise Http404
    statement = selectors.statement(request.user, pk)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    try:
        if action == "confirm":
            services.confirm_statement(statement=statement, actor=request.user, version=version)
        elif action == "approve":
            services.approve_statement(statement=statement, actor=request.user, version=version)
        else:
            if not services.can_confirm(request.user, statement):
                access.require_change_with(False)
            services.compute_statement(user=statement.user, period=parse_period(statement.period),
                                       actor=request.user)
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("performance:commission-statement", pk=pk)


@login_required
def statement_export(request, pk, fmt):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    statement = selectors.statement(request.user, pk)
    return exports.xlsx(statement) if fmt == "xlsx" else exports.pdf_response(statement)


@login_required
def plan_whatif(request, pk):
    access.require_role(request.user, Role.ADMIN)
    plan = get_object_or_404(CommissionPlan.objects.prefetch_related("tiers"), pk=pk)
    copy = CommissionPlan.objects.get(pk=plan.pk)  # edited in memory only, never saved here
    form = WhatIfForm(request.POST or None, instance=copy)
    tiers = TierFormSet(request.POST or None, prefix="tiers", initial=initial_tiers(plan))
    result, tier_errors = None, []
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        try:
            if request.POST.get("apply"):
                form.instance.version = int(request.POST.get("version") or plan.version)
                services.save_plan(plan=form.instance, tiers=tiers_from(tiers), actor=request.user)
                messages.success(request, _("Commission plan saved."))
                return redirect("performance:commission-plans")
            result = whatif.simulate(plan=plan, changed=form.instance, tiers=tiers_from(tiers))
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
        except ValidationError as error:
            tier_errors = error.message_dict.pop("tiers", [])
            if error.message_dict:
                _error_messages(form, ValidationError(error.message_dict))
    return render(request, "performance/commission/whatif.html", {
        "plan": plan, "form": form, "tiers": tiers, "result": result, "tier_errors": tier_errors, "rules": RULES})
