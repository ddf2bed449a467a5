"""Commission actions: save a plan (with its tiers), compute a rep's statement for a period, confirm it (the rep's
manager), approve it (finance). Keyword-only, one transaction each, audited. The rules: ``models.commission``."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from salesflow.contracts.models import Agreement, AgreementStatusChange
from salesflow.core import audit
from salesflow.core.periods import Period
from salesflow.org import access
from salesflow.org.models import Role

from .. import figures
from ..models import CommissionPlan, CommissionStatement, CommissionTier, StatementLine
from ..targets.selectors import team_targets, user_targets
from .calculation import Line, Note, PlanSpec, Record, calculate

MONTHS = {"month": 1, "quarter": 3, "year": 12}


# --- plans -------------------------------------------------------------------------------------------------------

def save_plan(*, plan: CommissionPlan, tiers: list[tuple], members=None, actor=None) -> CommissionPlan:
    """Validate and save ``plan`` (new, or an edit carrying the version it was read at) with its tiers
    ``[(from %, to % or None, rate %), …]`` replacing the old ones. A stale edit raises ``StaleEditError``."""
    tiers = [(_dec(a), _dec(b), _dec(c)) for a, b, c in tiers]
    errors = {}
    try:
        plan.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        CommissionPlan.validate_tiers(tiers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.save()
        if members is not None:
            plan.members.set(members)
        old = list(plan.tiers.values_list("from_percent", "to_percent", "rate"))
        if old != tiers:
            plan.tiers.all().delete()
            CommissionTier.objects.bulk_create(CommissionTier(plan=plan, from_percent=a, to_percent=b, rate=c)
                                               for a, b, c in tiers)
            audit.record(plan, "update", changes={"tiers": [[str(a), str(b), str(c)] for a, b, c in tiers]},
                         actor=actor)
    return plan


def _dec(value):
    if value is None or value == "":
        return None
    return Decimal(str(value))


def plan_for(user, day) -> CommissionPlan | None:
    """The plan in force for ``user`` on ``day``: one naming them wins over one for their role."""
    return plans_for([user], day).get(user.pk)


def plans_for(users, day) -> dict[int, CommissionPlan]:
    """The plan in force on ``day`` for each of ``users`` (those without one are absent), in two queries."""
    plans = list(CommissionPlan.objects.in_force_on(day).order_by("-effective_from", "-id")
                 .prefetch_related("members"))
    chosen = {}
    for user in users:
        named = next((p for p in plans if any(m.pk == user.pk for m in p.members.all())), None)
        by_role = next((p for p in plans if p.role and p.role == user.role and not p.members.all()), None)
        if named or by_role:
            chosen[user.pk] = named or by_role
    return chosen


# --- statements ----------------------------------------------------------------------------------------------------

def measured_people(measured_on: str, user) -> list[int]:
    """Whose deals a plan pays ``user`` on: their own, or (``team``) everyone in their team and the teams below it,
    themself included (people who have left too: their deals of the period still count)."""
    if measured_on != CommissionPlan.MeasuredOn.TEAM or not user.team_id:
        return [user.pk]
    from salesflow.org.models import User

    return sorted(set(User.objects.filter(team__in=access.team_subtree_ids(user)).values_list("pk", flat=True))
                  | {user.pk})


def records_for(basis: str, user_id, period: Period) -> list[Record]:
    """The rows paid on: agreements signed in the period (not terminated), or payments received in it (a reversal of
    a payment already paid on in an approved statement is left to the clawback). ``user_id``: one person, or a list
    (a team-measured plan), when each line names whose deal it is."""
    owners = user_id if isinstance(user_id, list) else [user_id]
    team = isinstance(user_id, list)
    rows = figures.records(basis, period.start, period.end, owners=owners)
    if basis == CommissionPlan.Basis.SIGNED:
        rows = rows.exclude(status=Agreement.Status.TERMINATED).order_by("signed_on", "id")
        return [Record(day, amount, _label(Note.of(N_("Agreement %(number)s"), number=number), team and rep),
                       agreement_id=pk)
                for pk, day, amount, number, rep in rows.values_list("id", "signed_on", "amount", "number",
                                                                     "owner__username")]
    paid = StatementLine.objects.filter(statement__status=CommissionStatement.Status.APPROVED,
                                        kind=StatementLine.Kind.RECORD, payment__isnull=False).values("payment_id")
    rows = rows.exclude(reversal_of__in=paid).order_by("received_on", "id")
    result = []
    for pk, day, amount, agreement_id, number, reversal_of, rep in rows.values_list(
            "id", "received_on", "amount", "agreement_id", "agreement__number", "reversal_of_id",
            "agreement__owner__username"):
        label = (Note.of(N_("Reversal of payment #%(payment)s (agreement %(number)s)"), payment=reversal_of,
                         number=number)
                 if reversal_of else Note.of(N_("Payment #%(payment)s (agreement %(number)s)"), payment=pk,
                                             number=number))
        label = _label(label, team and rep)
        result.append(Record(day, amount, label, agreement_id=agreement_id, payment_id=pk))
    return result


def _label(label: Note, rep) -> Note:
    """A record's label, naming the rep whose deal it is on a team-measured plan."""
    return label + Note.of(N_(" (%(rep)s's deal)"), rep=rep) if rep else label


def clawbacks_for(user_id: int, before) -> list[Line]:
    """Lines of the rep's earlier approved statements whose payment was since reversed or whose agreement was since
    terminated, not yet taken back by any statement: one negative line each."""
    earlier = (StatementLine.objects.filter(statement__user_id=user_id, statement__starts_on__lt=before,
                                            statement__status=CommissionStatement.Status.APPROVED,
                                            kind=StatementLine.Kind.RECORD, clawed_back_by__isnull=True)
               .exclude(commission=0)
               .filter(Q(payment__reversed_by__isnull=False)
                       | Q(payment__isnull=True, agreement__status=Agreement.Status.TERMINATED))
               .select_related("statement", "agreement", "payment__reversed_by").order_by("statement__starts_on",
                                                                                          "position"))
    earlier = list(earlier)
    terminated_on = dict(AgreementStatusChange.objects.filter(
        agreement_id__in=[line.agreement_id for line in earlier if line.payment_id is None],
        to_status=Agreement.Status.TERMINATED).values_list("agreement_id", "at"))
    lines = []
    for line in earlier:
        if line.payment_id:
            why = Note.of(N_("Clawback: payment #%(payment)s (agreement %(number)s) was reversed on %(day)s; paid "
                             "on in statement %(period)s"), payment=line.payment_id, number=line.agreement.number,
                          day=line.payment.reversed_by.received_on, period=line.statement.period)
        else:
            at = terminated_on.get(line.agreement_id)
            why = Note.of(N_("Clawback: agreement %(number)s was terminated%(when)s; paid on in statement "
                             "%(period)s"), number=line.agreement.number,
                          when=Note.of(N_(" on %(day)s"), day=timezone.localdate(at)) if at else "",
                          period=line.statement.period)
        lines.append(Line("clawback", -line.commission, -line.amount, day=line.day, agreement_id=line.agreement_id,
                          payment_id=line.payment_id, tier_label=line.tier_label, rate=line.rate, note=why,
                          clawback_of_id=line.pk))
    return lines


def compute(plan: CommissionPlan, user, period: Period, *, spec: PlanSpec | None = None, clawbacks=True):
    """The calculation for ``user`` over ``period`` under ``plan`` (or the terms ``spec``), writing nothing."""
    spec = spec or PlanSpec.of(plan)
    if spec.measured_on == CommissionPlan.MeasuredOn.TEAM and user.team_id:
        quota = team_targets(spec.basis, period, [user.team_id]).get(user.team_id)
        owners = measured_people(spec.measured_on, user)
    else:
        quota, owners = user_targets(spec.basis, period, [user.pk]).get(user.pk), user.pk
    return calculate(spec, period_months=MONTHS.get(period.kind, 1), quota=quota,
                     records=records_for(spec.basis, owners, period),
                     clawbacks=clawbacks_for(user.pk, period.start) if clawbacks else [])


def compute_statement(*, user, period: Period, actor=None) -> CommissionStatement:
    """Create or recompute ``user``'s draft statement for ``period`` (a month or a quarter): its lines are replaced.
    A confirmed or approved statement is frozen; without a plan in force on the period's last day, refused."""
    if period.kind not in ("month", "quarter"):
        raise ValidationError({"period": _("A statement covers a month or a quarter.")})
    with transaction.atomic():
        statement = (CommissionStatement.objects.select_for_update().filter(user=user, period=period.label)
                     .first())
        if statement is not None and statement.is_frozen:
            raise ValidationError({"status": _("This statement is %(status)s and can no longer be recomputed.")
                                   % {"status": statement.get_status_display()}})
        plan = plan_for(user, period.end)
        if plan is None:
            raise ValidationError({"plan": _("No commission plan is in force for %(user)s on %(day)s.")
                                   % {"user": user, "day": period.end}})
        if statement is not None:
            statement.lines.all().delete()
        result = compute(plan, user, period)
        statement = statement or CommissionStatement(user=user, period=period.label)
        statement.plan = plan
        statement.period_kind, statement.starts_on, statement.ends_on = period.kind, period.start, period.end
        statement.basis = plan.basis
        statement.quota, statement.attainment = result.quota, result.attainment
        statement.basis_amount, statement.variable_target = result.basis_amount, result.variable_target
        statement.base_pay, statement.total = result.base_pay, result.total
        statement.computed_at = timezone.now()
        statement.save()
        StatementLine.objects.bulk_create(
            StatementLine(statement=statement, position=i, kind=line.kind, agreement_id=line.agreement_id,
                          payment_id=line.payment_id, day=line.day, amount=line.amount, tier_id=line.tier_id,
                          tier_label=line.tier_label, rate=line.rate, commission=line.commission,
                          note=str(line.note)[:300], clawback_of_id=line.clawback_of_id,
                          note_data=line.note.data() if isinstance(line.note, Note) else None)
            for i, line in enumerate(result.lines, start=1))
        audit.record(statement, "update", changes={"lines": len(result.lines), "total": result.total},
                     note="computed", actor=actor)
    return statement


def can_confirm(actor, statement) -> bool:
    return bool(actor.is_authenticated and actor.pk != statement.user_id
                and (actor.is_superuser or actor.role in (Role.MANAGER, Role.DIRECTOR, Role.ADMIN))
                and access.oversees(actor, statement.user))


def can_approve(actor, statement) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.role == Role.FINANCE)


def confirm_statement(*, statement: CommissionStatement, actor, version: int | None = None) -> CommissionStatement:
    """Draft → confirmed, by the rep's manager (someone who oversees the rep, not the rep)."""
    if not can_confirm(actor, statement):
        raise PermissionDenied(_("Only the rep's manager may confirm this statement."))
    return _move(statement, CommissionStatement.Status.DRAFT, CommissionStatement.Status.CONFIRMED, actor, version)


def approve_statement(*, statement: CommissionStatement, actor, version: int | None = None) -> CommissionStatement:
    """Confirmed → approved, by finance."""
    if not can_approve(actor, statement):
        raise PermissionDenied(_("Only finance may approve a statement."))
    return _move(statement, CommissionStatement.Status.CONFIRMED, CommissionStatement.Status.APPROVED, actor,
                 version)


def _move(statement, from_status, to_status, actor, version):
    with transaction.atomic():
        current = CommissionStatement.objects.select_for_update().get(pk=statement.pk)
        if version is not None:
            current.version = version
        if current.status != from_status:
            raise ValidationError({"status": _("This statement is %(status)s; it must be %(expected)s first.") % {
                "status": current.get_status_display(), "expected": CommissionStatement.Status(from_status).label}})
        current.status = to_status
        now = timezone.now()
        with audit.acting_as(actor):
            if to_status == CommissionStatement.Status.CONFIRMED:
                current.confirmed_by, current.confirmed_at = actor, now
            else:
                current.approved_by, current.approved_at = actor, now
            current.save()
    return current


def compute_statements(*, users, period: Period, actor=None) -> dict:
    """Compute the drafts of ``users`` who have a plan in force for ``period``; frozen statements are left as they
    are. Returns how many were computed and how many were skipped (frozen or without a plan)."""
    users = list(users)
    plans = plans_for(users, period.end)
    frozen = set(CommissionStatement.objects.filter(period=period.label, user__in=users)
                 .exclude(status=CommissionStatement.Status.DRAFT).values_list("user_id", flat=True))
    done = 0
    for user in users:
        if user.pk in plans and user.pk not in frozen:
            compute_statement(user=user, period=period, actor=actor)
            done += 1
    return {"computed": done, "skipped": len(users) - done}
