"""Target pages: the plans (list, create), a plan as node × period with top-down, bottom-up and what does not add up,
its actions (split over time / the organisation, set a cell, submit my figure, approve, revise), live completion
and its colour thresholds. Thin: parse, authorise (the services decide), call, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.periods import parse_period, period_of, year_periods

from .. import figures
from ..models import Measure, TargetPlan, TargetSettings
from . import dimensions, services, signoff
from .completion import completion_tree, root_for
from .selectors import hand_split, plan_rows, plans_for
from .tree import OrgTree


def _error_text(exc: ValidationError | StaleEditError) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)


@login_required
def plan_list(request):
    plans = plans_for(request.user)
    if plans is None:
        raise PermissionDenied(_("You have no targets to see."))
    return render(request, "performance/targets/plan_list.html", {
        "plans": plans, "measures": Measure.objects.order_by("pk"), "can_plan": services.can_plan(request.user),
        "year": timezone.localdate().year + 1, "time_splits": TargetPlan.TimeSplit.choices,
        "dimension_kinds": list(figures.DIMENSION_KINDS.items())})


@login_required
@require_POST
def plan_create(request):
    try:
        plan = services.create_plan(actor=request.user, year=request.POST.get("year"),
                                    measure=request.POST.get("measure", ""), total=request.POST.get("total", ""),
                                    time_split=request.POST.get("time_split") or TargetPlan.TimeSplit.EVEN,
                                    with_weeks=request.POST.get("with_weeks") == "on",
                                    note=request.POST.get("note", "")[:300],
                                    dimension_kind=request.POST.get("dimension_kind", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("performance:target-plans")
    messages.success(request, _("Plan created."))
    return redirect("performance:target-plan", pk=plan.pk)


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(TargetPlan.objects.select_related("measure", "approved_by"), pk=pk)
    return _render_detail(request, plan, request.GET)


def _render_detail(request, plan, query, entered=None, template="performance/targets/plan_detail.html", status=200):
    """The plan page (and its by-hand editor: ``hand`` = the node, ``axis`` = time|org|dimension, with the amounts
    ``entered`` when a refused or previewed form comes back)."""
    tree = OrgTree.load()
    root = root_for(request.user, tree)
    if root is None:
        raise PermissionDenied(_("You have no targets to see."))
    labels = [p.label for p in year_periods(plan.year, plan.with_weeks)]
    period = query.get("period") if query.get("period") in labels else str(plan.year)
    rows, mismatches, grid = plan_rows(plan, tree, root, period, request.user, with_grid=True)
    allocatable = [r for r in rows if r["can_allocate"]]
    hand = None
    if plan.status == TargetPlan.Status.DRAFT and query.get("hand") in {r["node"] for r in allocatable}:
        axis = query.get("axis") if query.get("axis") in ("time", "dimension") else "org"
        hand = hand_split(plan, tree, grid, query["hand"], axis, period, entered)
    if template != "performance/targets/plan_detail.html":
        return render(request, template, {"plan": plan, "hand": hand, "period": period})
    revisions = TargetPlan.objects.filter(year=plan.year, measure=plan.measure).order_by("-revision")
    by_value = None
    if plan.dimension_kind and query.get("dim") in {r["node"] for r in rows}:
        by_value = {"node": query["dim"], "label": tree.label(query["dim"]),
                    "rows": dimensions.completion_by_value(plan, query["dim"], period, tree)}
    sign_offs = signoff.statuses(plan, tree, grid)
    for row in rows:
        row["sign_off"] = sign_offs.get(row["node"])
    signable = [r for r in allocatable if r["sign_off"] and request.user.is_manager_or_above]
    return render(request, "performance/targets/plan_detail.html", {
        "signable": signable, "by_value": by_value,
        "dimension_label": figures.DIMENSION_KINDS.get(plan.dimension_kind, ""),
        "unsigned": [s for s in sign_offs.values() if not s.current],
        "hand": hand, "hand_missing": bool(query.get("hand")) and hand is None,
        "plan": plan, "rows": rows, "period": period, "periods": [(p.label, p.display) for p in
                                                                   year_periods(plan.year, plan.with_weeks)],
        "mismatch_count": mismatches, "revisions": revisions, "can_plan": services.can_plan(request.user),
        "allocatable": allocatable, "proposable": [r for r in rows if r["can_propose"]],
        "time_splits": TargetPlan.TimeSplit.choices, "org_splits": TargetPlan.OrgSplit.choices,
        "is_draft": plan.status == TargetPlan.Status.DRAFT}, status=status)


def _plan_action(request, pk, action):
    plan = get_object_or_404(TargetPlan, pk=pk)
    back = reverse("performance:target-plan", args=[pk])
    period = request.POST.get("period", "")
    try:
        result = action(plan)
    except (ValidationError, StaleEditError) as exc:
        messages.error(request, _error_text(exc))
    else:
        if isinstance(result, TargetPlan):
            return redirect("performance:target-plan", pk=result.pk)
        note = getattr(result, "note", "")
        messages.success(request, note or _("Saved."))
    return redirect(f"{back}?period={period}" if period else back)


def _posted_action(request, pk, service, *fields: str, checkboxes: tuple[str, ...] = (), versioned: bool = True):
    """:func:`_plan_action` of a service whose arguments are the form's fields: each of ``fields`` as posted ("" when
    missing), each of ``checkboxes`` ticked or not, and the ``version`` the form was drawn from (None when missing)
    unless ``versioned`` is false."""
    post = request.POST
    values = {name: post.get(name, "") for name in fields} | {name: post.get(name) == "on" for name in checkboxes}
    if versioned:
        values["version"] = post.get("version") or None
    return _plan_action(request, pk, lambda plan: service(actor=request.user, plan=plan, **values))


@login_required
@require_POST
def plan_split(request, pk):
    if request.POST.get("axis") == "time":
        return _posted_action(request, pk, services.split_time, "node", "method")
    return _posted_action(request, pk, services.split_org, "node", "method", checkboxes=("cascade",))


@login_required
@require_POST
def plan_by_hand(request, pk):
    """The by-hand split (over time, the organisation or the plan's dimension): ``action=preview`` (the Recompute
    button, or htmx as one types) shows what is left to allocate without saving; otherwise the same services as the
    API, refused (400, or 409 for a stale version) unless the parts add up exactly."""
    plan = get_object_or_404(TargetPlan.objects.select_related("measure", "approved_by"), pk=pk)
    post = request.POST
    entered = {key[5:]: value.strip() for key, value in post.items() if key.startswith("part:")}
    if post.get("action") == "preview":
        template = "performance/targets/partials/hand_left.html" if request.htmx else None
        return _render_detail(request, plan, post, entered, **({"template": template} if template else {}))
    try:
        if post.get("axis") == "dimension":
            dimensions.split_dimension(actor=request.user, plan=plan, node=post.get("hand", ""),
                                       period=post.get("period", ""), method="manual", amounts=entered,
                                       version=post.get("version") or None)
        elif post.get("axis") == "time":
            services.split_time(actor=request.user, plan=plan, node=post.get("hand", ""), method="manual",
                                amounts=entered, exact_within=post.get("period", ""),
                                version=post.get("version") or None)
        else:
            services.split_org(actor=request.user, plan=plan, node=post.get("hand", ""), method="manual",
                               amounts=entered, exact=True, version=post.get("version") or None)
    except (ValidationError, StaleEditError) as exc:
        messages.error(request, _error_text(exc))
        return _render_detail(request, plan, post, entered, status=409 if isinstance(exc, StaleEditError) else 400)
    messages.success(request, _("Saved."))
    back = reverse("performance:target-plan", args=[pk]) + "?" + urlencode({"period": post.get("period", "")})
    if post.get("axis") == "dimension":  # show what was saved: the node's target, actual and completion per value
        back += "&" + urlencode({"dim": post.get("hand", "")})
    return redirect(back)


@login_required
@require_POST
def plan_set_cell(request, pk):
    return _posted_action(request, pk, services.set_cell, "node", "period", "amount")


@login_required
@require_POST
def plan_propose(request, pk):
    return _posted_action(request, pk, services.submit_proposal, "node", "period", "amount", versioned=False)


@login_required
@require_POST
def plan_dimension_split(request, pk):
    return _posted_action(request, pk, dimensions.split_dimension, "node", "period", "method")


@login_required
@require_POST
def plan_sign_off(request, pk):
    return _posted_action(request, pk, signoff.sign_off_node, "node", checkboxes=("proposals_reviewed",))


@login_required
@require_POST
def plan_approve(request, pk):
    def approve(plan):
        approved = services.approve_plan(actor=request.user, plan=plan, version=request.POST.get("version") or None)
        if approved.unsigned:
            messages.warning(request, _("Approved, but these teams' managers have not signed off their part: "
                                        "%(nodes)s") % {"nodes": ", ".join(s.label for s in approved.unsigned)})
        return approved

    return _plan_action(request, pk, approve)


@login_required
@require_POST
def plan_roll_up(request, pk):
    return _posted_action(request, pk, services.roll_up)


@login_required
@require_POST
def plan_revise(request, pk):
    return _posted_action(request, pk, services.revise_plan, versioned=False)


@login_required
def completion(request):
    today = timezone.localdate()
    label = request.GET.get("period") or period_of("quarter", today).label
    try:
        period = parse_period(label)
    except ValueError as exc:
        messages.error(request, str(exc))
        period = period_of("quarter", today)
    measures = list(Measure.objects.order_by("pk"))
    measure = request.GET.get("measure") or "signed_amount"
    if measure not in {m.key for m in measures}:
        measure = "signed_amount"
    result = completion_tree(request.user, measure, period, node=request.GET.get("node") or None, today=today)
    return render(request, "performance/targets/completion.html", {
        "result": result, "period": period, "measures": measures, "measure": measure,
        "settings": TargetSettings.load(), "is_admin": request.user.is_org_admin})


@login_required
@require_POST
def completion_settings(request):
    try:
        services.update_settings(actor=request.user, green_ratio=request.POST.get("green_ratio", ""),
                                 red_ratio=request.POST.get("red_ratio", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("performance:target-completion") + "?" + request.POST.get("query", ""))
