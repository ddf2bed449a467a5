from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import page_of
from salesflow.core.registry import opportunity_sections
from salesflow.core.templatetags.salesflow_tags import money_short
from salesflow.customers.models import Customer, SavedView
from salesflow.org import access
from salesflow.org.models import User

from . import services
from .analytics.stalled import stalled_levels
from .forms import LineFormSet, OpportunityFilterForm, OpportunityForm
from .models import Opportunity, Pipeline, Reason, Stage
from .models.opportunity import ACCOUNT_UNKNOWN

EXPORT_COLUMNS = [("id", _("ID")), ("subject", _("Subject")), ("customer_label", _("Customer")),
                  ("owner__username", _("Owner")), ("stage__name", _("Stage")), ("status", _("Status")),
                  ("amount", _("Amount")), ("expected_close_date", _("Expected close date"))]


@login_required
def opportunity_list(request):
    form = OpportunityFilterForm(request.GET or None)
    opportunities = Opportunity.objects.visible_to(request.user)
    opportunities = form.apply(opportunities) if request.GET else opportunities.order_by("-created_at", "-id")
    if request.GET.get("export") in {"csv", "xlsx"}:
        labelled = opportunities.annotate(customer_label=Coalesce("customer__name", Value(str(ACCOUNT_UNKNOWN))))
        rows = labelled.values_list(*[f for f, _label in EXPORT_COLUMNS]).iterator(chunk_size=2000)
        return export_response(fmt=request.GET["export"], filename="opportunities", rows=rows,
                               headers=[str(h) for _f, h in EXPORT_COLUMNS], audit_target=request.user,
                               note=f"opportunities {request.GET.urlencode()}")
    # owner, stage and pipeline come by prefetch (3 small queries for the 25 rows), not joins: joined, SQLite's planner
    # starts from those small tables and sorts every visible row (0.7 s at 100k) instead of walking the date index
    page, query_string = page_of(
        request, opportunities.select_related("customer").prefetch_related("owner", "stage", "pipeline"))
    levels = stalled_levels(page.object_list)
    return render(request, "pipeline/opportunity_list.html", {
        "page": page, "form": form, "rows": [(o, levels.get(o.pk)) for o in page.object_list],
        "query_string": query_string,
        "saved_views": SavedView.objects.filter(user=request.user, list_name="opportunities")})


KANBAN_CARDS_PER_STAGE = 20  # per column; a "more" line and the column header link to the full list
CARD_FIELDS = ("id", "version", "subject", "amount", "expected_close_date", "stage_id", "stage_entered_at", "status",
               "pipeline_id", "customer_id", "owner_id", "customer__name", "owner__username",
               "owner__display_name", "owner__first_name", "owner__last_name")


@login_required
def kanban(request):
    pipeline = Pipeline.objects.filter(pk=request.GET.get("pipeline") or 0).first() or Pipeline.default()
    visible = Opportunity.objects.visible_to(request.user).filter(pipeline=pipeline, status=Opportunity.Status.TRACKING)
    owner = request.GET.get("owner", "")
    if owner.isdigit():
        visible = visible.filter(owner_id=int(owner))
    totals = {r["stage"]: {"n": r["n"], "amount": r["amount"]}
              for r in visible.values("stage").annotate(n=Count("id"), amount=Sum("amount")).order_by()}
    stages = list(pipeline.stages.all())
    by_stage = []
    for stage in stages:
        stage_cards = list(visible.filter(stage=stage).select_related("customer", "owner").only(*CARD_FIELDS)
                           .order_by("expected_close_date", "id")[:KANBAN_CARDS_PER_STAGE])
        for card in stage_cards:
            card.pipeline = pipeline  # every card is on this board's pipeline: no join, no query
        by_stage.append(stage_cards)
    levels = stalled_levels([card for cards in by_stage for card in cards])
    render_card = _card_renderer(request, levels)
    list_url = reverse("pipeline:list")
    more_query = f"&pipeline={pipeline.pk}" + (f"&owner={owner}" if owner.isdigit() else "")
    columns = []
    for stage, stage_cards in zip(stages, by_stage, strict=True):
        figures = totals.get(stage.pk, {"n": 0, "amount": 0})
        options = _move_options(stages, stage)
        columns.append({"stage": stage, "cards": stage_cards, **figures,
                        # every value in a card is escaped (or built by format_html) in _card_renderer
                        # every value of a card is escaped (or built by format_html) in _card_renderer
                        "cards_html": mark_safe("".join(render_card(card, options) for card in stage_cards)),  # noqa: S308  # noqa: S308
                        "more": figures["n"] - len(stage_cards),
                        "more_url": f"{list_url}?status=tracking&stage={stage.pk}{more_query}"})
    template = "pipeline/partials/board.html" if request.htmx else "pipeline/kanban.html"
    return render(request, template, {"pipeline": pipeline, "columns": columns,
                                      "stages": stages, "pipelines": Pipeline.objects.all()})


def _move_options(stages, current):
    """The "move to" <option>s of every card in ``current``'s column, rendered once per column, not once per card
    (the select's label says "Move to"; each option names only the stage)."""
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (s.pk, mark_safe(" selected") if s.pk == current.pk else "", s.name) for s in stages))


CARD = ('<li class="card kanban-card{stalled_class}" draggable="true" data-id="{pk}" data-version="{version}" '
        'data-testid="card-{pk}"><a href="{url}"><strong>{subject}</strong></a>'
        '<div class="muted">{customer} · {owner}</div><div>{amount} · {close}{badge}</div>'
        '<form method="post" action="{move_url}" class="move-form" hx-post="{move_url}" hx-target="#board" '
        'hx-swap="outerHTML">{csrf}<input type="hidden" name="version" value="{version}">{next}'
        '<label class="sr-only" for="move-{pk}">{move_to}</label>'
        '<select id="move-{pk}" name="stage" data-testid="move-{pk}">{options}</select>'
        '<button class="button" type="submit">{move}</button></form></li>')


def _card_renderer(request, levels):
    """``(opportunity, options) -> HTML`` of one kanban card, built in Python: the board is render-bound, and a
    template per card cost ~50 template nodes x 140 cards. Everything shared by the cards is escaped once here."""
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    next_input = format_html('<input type="hidden" name="next" value="{}">', request.get_full_path())
    shared = {"csrf": csrf, "next": next_input, "move_to": escape(_("Move to")), "move": escape(_("Move")),
              "badge_label": escape(_("stalled")), "unknown": escape(str(ACCOUNT_UNKNOWN))}
    card_url, move_url = _url_maker("pipeline:detail"), _url_maker("pipeline:move")
    owners: dict[int, str] = {}

    def card(o, options) -> str:
        stalled = levels.get(o.pk)
        if o.owner_id not in owners:
            owners[o.owner_id] = escape(str(o.owner))
        return CARD.format(
            stalled_class=f" stalled-{stalled}" if stalled else "", pk=o.pk, version=o.version, url=card_url(o.pk),
            subject=escape(o.subject), customer=escape(o.customer.name) if o.customer_id else shared["unknown"],
            owner=owners[o.owner_id], amount=escape(money_short(o.amount)),
            close=o.expected_close_date.isoformat() if o.expected_close_date else "",
            badge=f' <span class="badge {stalled}">{shared["badge_label"]}</span>' if stalled else "",
            move_url=move_url(o.pk), csrf=shared["csrf"], next=shared["next"], move_to=shared["move_to"],
            options=options, move=shared["move"])

    return card


def _url_maker(name):
    """``pk -> URL`` of a ``<int:pk>`` route, reversing it once per render rather than once per card."""
    prefix, suffix = reverse(name, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{suffix}"


@login_required
def opportunity_detail(request, pk):
    opportunity = access.get_visible_or_404(
        Opportunity.objects.select_related("customer", "owner", "stage", "pipeline", "win_reason", "loss_reason"),
        request.user, pk=pk)
    context = {
        "o": opportunity,
        "stages": opportunity.pipeline.stages.all(),
        "stage_changes": opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by"),
        "changes": opportunity.changes.select_related("changed_by"),
        "lines": opportunity.lines.select_related("product"),
        "line_formset": LineFormSet(prefix="lines", initial=[
            {"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price}
            for line in opportunity.lines.all()]),
        "history": AuditEntry.for_object(opportunity)[:20],
        "reasons": Reason.objects.filter(active=True),
        "can_change": access.can_change(request.user, opportunity),
        # Panels of apps downstream (contracts: the opportunity's quotations and agreements) through core.registry
        "sections": [{"name": e.name, "html": e.func(request, opportunity)} for e in opportunity_sections.all()],
    }
    return render(request, "pipeline/opportunity_detail.html", context)


def _run(request, opportunity, action, success=None):
    """Run a state change; report the outcome in the user's language. Kanban moves go back to the board.

    ``success`` turns the changed opportunity into the message shown when the change went through.
    """
    back = request.POST.get("next", "")
    back = back if back.startswith("/") and not back.startswith("//") else None
    try:
        changed = action()
        if success is not None:
            messages.success(request, success(changed if isinstance(changed, Opportunity) else opportunity))
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    if request.htmx and back:
        # The board swaps in its refreshed HTML, which shows the outcome (a refusal keeps the card where it was).
        request.method = "GET"
        request.GET = QueryDict(back.split("?", 1)[1] if "?" in back else "")
        return kanban(request)
    return redirect(back or opportunity.get_absolute_url())


def _version(request):
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def tick_actions(request, pk):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    access.require_change(request.user, opportunity)
    ticked = [a for a in request.POST.getlist("actions") if a in opportunity.stage.key_actions]
    return _run(request, opportunity, lambda: services.update_opportunity(
        actor=request.user, opportunity=opportunity, version=_version(request), completed_actions=ticked),
        success=lambda o: _("Checklist saved."))


@login_required
@require_POST
def move(request, pk):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    stage_id = request.POST.get("stage", "")
    stage = get_object_or_404(Stage, pk=int(stage_id) if stage_id.isdigit() else 0)
    return _run(request, opportunity, lambda: services.move_stage(
        actor=request.user, opportunity=opportunity, stage=stage, version=_version(request),
        override_reason=request.POST.get("override_reason", "")),
        success=lambda o: _("“%(subject)s” moved to “%(stage)s”.") % {"subject": o.subject, "stage": o.stage.name})


@login_required
@require_POST
def close(request, pk, outcome):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    reason_id = request.POST.get("reason", "")
    reason = Reason.objects.filter(pk=int(reason_id)).first() if reason_id.isdigit() else None
    action = {"win": services.win_opportunity, "lose": services.lose_opportunity}[outcome]
    done = {"win": _("“%(subject)s” is won. Well done!"), "lose": _("“%(subject)s” is closed as lost.")}[outcome]
    return _run(request, opportunity, lambda: action(actor=request.user, opportunity=opportunity, reason=reason,
                                                     version=_version(request)),
                success=lambda o: done % {"subject": o.subject})


@login_required
@require_POST
def reopen(request, pk):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    return _run(request, opportunity, lambda: services.reopen_opportunity(
        actor=request.user, opportunity=opportunity, version=_version(request)),
        success=lambda o: _("“%(subject)s” is open again.") % {"subject": o.subject})


@login_required
@require_POST
def suspend(request, pk):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    return _run(request, opportunity, lambda: services.suspend_opportunity(
        actor=request.user, opportunity=opportunity, version=_version(request)),
        success=lambda o: _("“%(subject)s” is suspended.") % {"subject": o.subject})


@login_required
def opportunity_new(request):
    customer = access.get_visible_or_404(Customer, request.user, pk=request.GET.get("customer") or
                                         request.POST.get("customer") or 0)
    services.check_can_create(request.user, customer)  # decided before anything is read from the form or written
    form = OpportunityForm(request.POST or None, user=request.user, initial={"customer": customer.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.create_opportunity(
                actor=request.user, customer=customer, subject=data["subject"], amount=data["amount"],
                expected_close_date=data["expected_close_date"], source=data["source"], type=data["type"],
                contacts=list(data["contacts"]), competitors=list(data["competitors"]),
                **{k: data[k] for k in services.EXTRA_FIELDS})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Opportunity created."))
            for note in form.warnings():
                messages.warning(request, note)
            return redirect(opportunity)
    status = 400 if form.errors else 200
    return render(request, "pipeline/opportunity_form.html", {"form": form, "customer": customer}, status=status)


@login_required
def opportunity_edit(request, pk):
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    access.require_change(request.user, opportunity)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "contacts", "competitors")}
        try:
            services.update_opportunity(actor=request.user, opportunity=opportunity,
                                        version=form.cleaned_data["version"], **fields)
            opportunity.contacts.set(form.cleaned_data["contacts"])
            opportunity.competitors.set(form.cleaned_data["competitors"])
        except StaleEditError:
            form.add_error(None, StaleEditError.message)
            return render(request, "pipeline/opportunity_form.html", {"form": form, "object": opportunity},
                          status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Opportunity saved."))
            for note in form.warnings():
                messages.warning(request, note)
            return redirect(opportunity)
    status = 400 if form.errors else 200
    return render(request, "pipeline/opportunity_form.html", {"form": form, "object": opportunity}, status=status)


def _distribution_labels(field, values) -> dict:
    """Codes and ids shown as people read them: status/type labels, owners by display name."""
    if field == "owner":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=[v for v in values if v])}
    choices = Opportunity._meta.get_field(field).flatchoices
    return {code: str(label) for code, label in choices} if choices else {}


@login_required
def distribution(request):
    """Counts and amounts by category, type, status, source, owner and month, in the database."""
    opportunities = Opportunity.objects.visible_to(request.user)
    tables = []
    for field, title in (("status", _("By status")), ("type", _("By type")), ("category", _("By category")),
                         ("source", _("By source")), ("owner", _("By owner"))):
        rows = list(opportunities.values(field).annotate(n=Count("id"), total=Sum("amount")).order_by("-n")[:30])
        labels = _distribution_labels(field, [r[field] for r in rows])
        tables.append({"title": title, "rows": [(labels.get(r[field], r[field]) or "—", r["n"], r["total"])
                                                for r in rows]})
    for field, title in (("created_at", _("By month created")), ("expected_close_date", _("By expected close month"))):
        rows = (opportunities.annotate(month=TruncMonth(field)).values("month")
                .annotate(n=Count("id"), total=Sum("amount")).order_by("-month")[:24])
        tables.append({"title": title, "rows": [(r["month"].strftime("%Y-%m") if r["month"] else "—", r["n"],
                                                 r["total"]) for r in rows]})
    return render(request, "pipeline/distribution.html", {"tables": tables})


@login_required
@require_POST
def lines(request, pk):
    """Replace the line items; the amount becomes their sum (recorded as an amount change)."""
    opportunity = access.get_visible_or_404(Opportunity, request.user, pk=pk)
    access.require_change(request.user, opportunity)
    formset = LineFormSet(request.POST, prefix="lines")
    if not formset.is_valid():
        messages.error(request, _("Check the product lines: every line needs a product, a quantity above 0 and a "
                                  "price of 0 or more."))
        return redirect(opportunity)
    rows = [(f.cleaned_data["product"], f.cleaned_data["quantity"], f.cleaned_data["unit_price"])
            for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    services.replace_lines(actor=request.user, opportunity=opportunity, lines=rows)
    messages.success(request, _("Products saved."))
    return redirect(opportunity)
