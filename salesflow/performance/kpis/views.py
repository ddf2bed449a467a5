"""KPI pages: scorecard settings (admin), my scorecard, a manager's team scorecards, the records behind a value,
leaderboards, values entered by hand. Thin: parse, authorise (org.access), call selectors/services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.concurrency import StaleEditError
from salesflow.core.paging import page_of
from salesflow.core.periods import parse_period, period_choices, period_of
from salesflow.org import access
from salesflow.org.models import Role, Team

from ..models import Kpi, Scorecard
from . import exports, selectors, services
from .display import no_data, show, show_score
from .forms import ManualValueForm, ScorecardForm


def chosen_period(request, kinds=("month", "quarter", "year")):
    label = request.GET.get("period") or period_of("month", timezone.localdate()).label
    try:
        period = parse_period(label)
    except ValueError:
        period = None
    if period is None or period.kind not in kinds:
        period = period_of("month", timezone.localdate())
    return period


def _lines(card: selectors.Card, period, query: str) -> list[dict]:
    rows = []
    for line in card.lines:
        kpi = line.item.kpi
        unit = kpi.unit if not line.item.approved_target else Kpi.Unit.AMOUNT
        rows.append({"kpi": kpi, "weight": line.item.weight, "value": show(line.value, unit),
                     "target": show(line.target, unit) if line.target is not None else _("No target set"),
                     "score": show_score(line.score), "weighted": line.weighted, "has_value": line.value is not None,
                     "drill": f"?period={period.label}&{query}" if selectors.drill_figure(kpi) else ""})
    return rows


def _subject_card(viewer, subject, period):
    """A person's scorecard: a manager's is their team's (the manager scorecard), a rep's their own."""
    if subject.role == Role.MANAGER and subject.team_id:
        team = Team.objects.get(pk=subject.team_id)
        group = selectors.team_group(team, selectors.team_members(team))
        card = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.MANAGER), period, [(group, team.name)])[0]
        return card, f"team={team.pk}"
    card = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.REP), period,
                                [(selectors.person(subject), str(subject))])[0]
    return card, f"user={subject.pk}"


@login_required
def my_scorecard(request):
    viewer, period = request.user, chosen_period(request, ("month", "quarter"))
    subject = viewer
    if not request.GET.get("user") and viewer.role in (Role.ADMIN, Role.DIRECTOR):
        return redirect("performance:kpi-team-scorecards")  # they have no scorecard of their own: their teams'
    if request.GET.get("user"):
        subject = access.users_in_scope(viewer).filter(pk=request.GET["user"]).first()
        if subject is None:
            raise Http404
    card, query = _subject_card(viewer, subject, period)
    if request.GET.get("format") == "xlsx":
        return exports.scorecards_xlsx([card], period, audit_target=subject)
    return render(request, "performance/kpis/scorecard.html", {
        "card": card, "lines": _lines(card, period, query), "period": period, "subject": subject,
        "periods": period_choices(timezone.localdate(), period.label), "cap": selectors.SCORE_CAP,
        "no_data": no_data()})


def _team_of(request):
    viewer = request.user
    if not viewer.is_manager_or_above:
        raise PermissionDenied(_("Your role does not allow this."))
    teams = Team.objects.all() if access.effective_scope(viewer) == "all" else Team.objects.filter(
        pk__in=access.team_subtree_ids(viewer))
    teams = list(teams.order_by("path"))
    wanted = request.GET.get("team") or viewer.team_id or (teams[0].pk if teams else None)
    team = next((t for t in teams if str(t.pk) == str(wanted)), None)
    if team is None and teams:
        raise Http404
    return team, teams


@login_required
def team_scorecards(request):
    period = chosen_period(request, ("month", "quarter"))
    team, teams = _team_of(request)
    cards = []
    if team is not None:
        reps = list(access.users_in_scope(request.user).filter(role=Role.REP, team__path__startswith=team.path)
                    .order_by("username"))
        team_card = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.MANAGER), period, [
            (selectors.team_group(team, selectors.team_members(team)), team.name)])
        rep_cards = selectors.scorecards(selectors.scorecard_of(Scorecard.Role.REP), period,
                                         [(selectors.person(r), str(r)) for r in reps])
        cards = [(c, _lines(c, period, f"team={team.pk}")) for c in team_card] + [
            (c, _lines(c, period, f"user={c.group.user_ids[0]}")) for c in rep_cards]
    if request.GET.get("format") == "xlsx":
        return exports.scorecards_xlsx([c for c, _l in cards], period, audit_target=team or request.user)
    return render(request, "performance/kpis/team_scorecards.html", {
        "cards": cards, "team": team, "teams": teams, "period": period, "cap": selectors.SCORE_CAP,
        "periods": period_choices(timezone.localdate(), period.label)})


@login_required
def drill_down(request, key):
    viewer, period = request.user, chosen_period(request)
    kpi = Kpi.objects.filter(key=key).first()
    if kpi is None:
        raise Http404
    if request.GET.get("team"):
        team = Team.objects.filter(pk=request.GET["team"]).first()
        if team is None:
            raise Http404
        owners = list(access.users_in_scope(viewer).filter(pk__in=selectors.team_members(team))
                      .values_list("id", flat=True))
        whose = team.name
    else:
        subject = access.users_in_scope(viewer).filter(pk=request.GET.get("user") or viewer.pk).first()
        if subject is None:
            raise Http404
        owners, whose = [subject.pk], str(subject)
    rows, fig = selectors.drill_rows(kpi, period, owners, viewer)
    if rows is None:
        raise Http404
    related = [f.name for f in rows.model._meta.get_fields()
               if f.name in ("agreement", "product", "customer") and f.many_to_one]
    rows = rows.select_related(*related).order_by("-pk")
    total = rows.aggregate(value=fig.total())["value"]
    page, query = page_of(request, rows)
    return render(request, "performance/kpis/drill.html", {
        "kpi": kpi, "figure": fig, "period": period, "whose": whose, "page": page, "query": query,
        "items": [(row, getattr(row, "amount", None)) for row in page],
        "count": rows.count(), "total": show(total, "amount" if fig.unit == "amount" else "count") if total is not None
        else no_data()})


@login_required
def leaderboard(request):
    viewer, period = request.user, chosen_period(request)
    kpis = list(Kpi.objects.filter(active=True))
    kpi = next((k for k in kpis if k.key == request.GET.get("kpi")), None) or next(
        (k for k in kpis if k.key == "signed_amount"), kpis[0])
    scope = request.GET.get("scope") or selectors.SCOPE_COMPANY
    try:
        board = selectors.leaderboard(kpi, period, scope, viewer)
    except ValueError:
        raise Http404 from None
    for row in board["rows"]:
        row["shown"] = show(row["value"], kpi.unit)
    if request.GET.get("format") == "xlsx":
        return exports.leaderboard_xlsx(board, audit_target=viewer)
    scopes = [(selectors.SCOPE_COMPANY, _("Whole company")), (selectors.SCOPE_TEAMS, _("Team vs team"))] + [
        (f"team:{t.pk}", t.indented_name) for t in Team.objects.order_by("path")]
    return render(request, "performance/kpis/leaderboard.html", {
        "board": board, "kpi": kpi, "kpis": kpis, "scope": scope, "scopes": scopes, "period": period,
        "periods": period_choices(timezone.localdate(), period.label)})


@login_required
def scorecard_settings(request):
    access.require_role(request.user, Role.ADMIN)
    role = request.GET.get("role") if request.GET.get("role") in Scorecard.Role.values else Scorecard.Role.REP
    card = selectors.scorecard_of(role)
    kpis = list(Kpi.objects.filter(active=True))
    form = ScorecardForm(request.POST or None, kpis=kpis, card=card)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scorecard(actor=request.user, role=role, items=form.items(),
                                    version=form.cleaned_data.get("version"))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(None, message if field == "__all__" else f"{_field_name(field)}：{message}")
        except StaleEditError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Scorecard saved."))
            return redirect(f"{request.path}?role={role}")
    return render(request, "performance/kpis/settings.html", {
        "form": form, "role": role, "roles": Scorecard.Role.choices, "cap": selectors.SCORE_CAP},
        status=400 if request.method == "POST" else 200)


def _field_name(field: str) -> str:
    return {"weight": _("Weight"), "target": _("target"), "role": _("role")}.get(field, field)


@login_required
def manual_values(request):
    if not request.user.is_manager_or_above:
        raise PermissionDenied(_("Your role does not allow this."))
    form = ManualValueForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_manual_value(actor=request.user, kpi=data["kpi"], period=data["period"],
                                        value=data["value"], user=data["user"], team=data["team"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Value saved."))
            return redirect("performance:kpi-manual-values")
    return render(request, "performance/kpis/manual_values.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
