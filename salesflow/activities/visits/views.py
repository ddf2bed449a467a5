"""Pages of visit plans: the rep's "today" page (the phone start page), the plan list (day / week), plan, edit,
check in, record, cancel. Thin: parse, authorise (org.access), call a service, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.customers.models import Customer
from salesflow.customers.picking import render_customer_pick
from salesflow.org import access

from ..models import VisitPlan
from . import selectors, services
from .forms import CancelForm, PlanFilterForm, PlanForm, RecordForm, add_service_errors


def _url_or_blank(name: str, *args) -> str:
    """The URL of a page another part of the product provides, or "" while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _version(request):
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _plan(request, pk) -> VisitPlan:
    return access.get_visible_or_404(VisitPlan.objects.select_related("customer", "owner", "opportunity"),
                                     request.user, pk=pk)


@login_required
def today(request):
    day = timezone.localdate()
    plans, earlier = selectors.todays_plans(request.user, day)
    tasks = selectors.tasks_due(request.user, day)
    task_url = _url_or_blank("activities:task-detail", 0)
    now = timezone.now()
    return render(request, "activities/visits/today.html", {
        "day": day, "today": day, "plans": plans, "earlier": earlier,
        "tasks": [(task, task_url.replace("/0/", f"/{task.pk}/") if task_url else "", task.due_at < now)
                  for task in tasks],
        "followup_url": _url_or_blank("activities:followup-create"),
        "report_url": _url_or_blank("activities:report-today"),
        "can_plan": access.can_create_pipeline_records(request.user),
    })


@login_required
def plan_list(request):
    form = PlanFilterForm(request.GET or None, user=request.user)
    view, first, last = form.span()
    owner = form.cleaned_data.get("owner") if form.is_bound and form.is_valid() else None
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    rows = list(selectors.plans(request.user, first_day=first, last_day=last, owner_id=owner.pk if owner else None,
                                status=status)[:selectors.LIST_LIMIT + 1])
    days = {}
    for plan in rows[:selectors.LIST_LIMIT]:
        days.setdefault(plan.planned_on, []).append(plan)
    step = datetime.timedelta(days=1 if view == "day" else 7)
    params = request.GET.copy()
    nav = {}
    for key, target in (("previous", first - step), ("next", first + step), ("today", timezone.localdate())):
        params["day"] = target.isoformat()
        params["view"] = view
        nav[key] = params.urlencode()
    return render(request, "activities/visits/plan_list.html", {
        "form": form, "view": view, "first": first, "last": last, "nav": nav,
        "days": [(first + datetime.timedelta(days=i), days.get(first + datetime.timedelta(days=i), []))
                 for i in range((last - first).days + 1)],
        "count": min(len(rows), selectors.LIST_LIMIT), "more": len(rows) > selectors.LIST_LIMIT,
        "show_owner": request.user.is_manager_or_above,
        "today": timezone.localdate(),
        "can_plan": access.can_create_pipeline_records(request.user),
    })


@login_required
def plan_new(request):
    if not access.can_create_pipeline_records(request.user):
        raise PermissionDenied(_("Your role cannot plan or record visits."))
    customer_id = request.GET.get("customer") or request.POST.get("customer") or ""
    if not customer_id.isdigit():
        return render_customer_pick(request, "activities/visits/pick_customer.html")
    customer = access.get_visible_or_404(Customer, request.user, pk=int(customer_id))
    form = PlanForm(request.POST or None, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_visit(actor=request.user, owner=form.cleaned_data.get("owner") or request.user,
                                       data={**form.plan_data(), "customer": customer},
                                       contacts=form.cleaned_data["contacts"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Visit planned."))
            return redirect(plan)
    return render(request, "activities/visits/plan_form.html", {"form": form, "customer": customer},
                  status=400 if form.errors else 200)


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk)
    if not services.may_act_on(request.user, plan):
        raise PermissionDenied(_("You may not change this record."))
    if plan.status not in (VisitPlan.Status.PLANNED, VisitPlan.Status.CHECKED_IN):
        messages.info(request, _("A visited or cancelled plan cannot be changed."))
        return redirect(plan)
    form = PlanForm(request.POST or None, instance=plan, user=request.user, customer=plan.customer)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.update_plan(plan, actor=request.user, data=form.plan_data(),
                                        version=form.cleaned_data["version"] or 0,
                                        contacts=form.cleaned_data["contacts"])
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Visit plan saved."))
            return redirect(plan)
    if form.errors and status == 200:
        status = 400
    return render(request, "activities/visits/plan_form.html", {"form": form, "object": plan,
                                                                "customer": plan.customer}, status=status)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    record = plan.record if hasattr(plan, "record") else None
    return render(request, "activities/visits/plan_detail.html", {
        "plan": plan, "contacts": plan.contacts.all(), "record": record,
        "next_plans": record.next_plans.all() if record else [],
        "next_tasks": record.next_tasks.all() if record else [],
        "may_act": services.may_act_on(request.user, plan),
        "cancel_reason": services.cancel_reason(plan),
        "check_in_refusal": plan.check_in_refusal() if plan.status == VisitPlan.Status.PLANNED else None,
        "history": AuditEntry.for_object(plan)[:10],
        "cancel_form": CancelForm(initial={"version": plan.version}),
    })


def _back(request, plan):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else plan.get_absolute_url())


@login_required
@require_POST
def plan_check_in(request, pk):
    plan = _plan(request, pk)
    try:
        services.check_in(plan, actor=request.user, version=_version(request),
                          latitude=request.POST.get("latitude") or None,
                          longitude=request.POST.get("longitude") or None,
                          accuracy=request.POST.get("accuracy") or None)
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked in at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")})
    return _back(request, plan)


@login_required
def plan_record(request, pk):
    plan = _plan(request, pk)
    if not services.may_act_on(request.user, plan):
        raise PermissionDenied(_("You may not change this record."))
    form = RecordForm(request.POST or None, plan=plan)
    status = 200
    if plan.status in (VisitPlan.Status.DONE, VisitPlan.Status.CANCELLED) and request.method != "POST":
        messages.info(request, _("This visit is already recorded.") if plan.status == VisitPlan.Status.DONE
                      else _("This visit is cancelled: it cannot be recorded."))
        return redirect(plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(plan, actor=request.user, data=form.record_data(),
                                  version=form.cleaned_data["version"])
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(plan)
    if form.errors and status == 200:
        status = 400
    return render(request, "activities/visits/record_form.html", {"form": form, "plan": plan}, status=status)


@login_required
@require_POST
def plan_cancel(request, pk):
    plan = _plan(request, pk)
    try:
        services.cancel_visit(plan, actor=request.user, reason=request.POST.get("reason", ""),
                              version=_version(request))
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Visit cancelled."))
    return _back(request, plan)
