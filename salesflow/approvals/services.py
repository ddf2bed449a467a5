"""Every change of an approval goes through these functions (one transaction each; the steps are the history).

    submit(document, kind=..., amount=..., actor=...)  -> ApprovalRequest | None (None: no rule applies)
    decide(request, actor=..., approve=True|False, comment=...)
    withdraw(request, actor=...)
    pending_for(document) / history(document)

The document's app registers its hooks with :mod:`salesflow.approvals.registry`; ``on_approved`` and
``on_rejected`` run inside the deciding transaction. Notifications go out after commit.
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry
from salesflow.core.money import format_money, to_money
from salesflow.core.notifications import notify
from salesflow.org.models import Role, Team, User

from . import registry
from .models import (
    POOL_ROLES,
    ApprovalRequest,
    ApprovalRule,
    ApprovalRuleStep,
    ApprovalStep,
    ApproverRole,
    DocumentKind,
)

R = ApprovalRequest.Status
D = ApprovalStep.Decision


class DecisionConflict(StaleEditError):
    """The request is no longer waiting for this decision (decided, withdrawn, or moved on): HTTP 409."""

    message = gettext_lazy("This approval was already decided or withdrawn by someone else. Reload it to see its "
                           "state.")

    def __str__(self):
        return str(self.message)


# --- which steps a document needs -------------------------------------------------------------------------------

def required_steps(kind: str, amount, flags=frozenset()) -> list[tuple[str, int | None]]:
    """The (approver role, named user id) pairs the rules require, in order, each once."""
    rules = ApprovalRule.objects.applying(kind, to_money(amount), flags)
    steps = (ApprovalRuleStep.objects.filter(rule__in=rules)
             .values_list("rule_id", "role", "user_id").order_by("position", "id"))
    by_rule: dict[int, list] = {}
    for rule_id, role, user_id in steps:
        by_rule.setdefault(rule_id, []).append((role, user_id if role == ApproverRole.USER else None))
    ordered, seen = [], set()
    for rule in rules:
        for step in by_rule.get(rule.pk, []):
            if step not in seen:
                seen.add(step)
                ordered.append(step)
    return ordered


def team_manager_of(user) -> User | None:
    """The manager of ``user``'s team: the team's named manager, else its member with the manager role; walking
    up the team tree past teams with neither (and past the user themself, who never approves their own)."""
    if user is None or not user.team_id:
        return None
    path = Team.objects.filter(pk=user.team_id).values_list("path", flat=True).first() or ""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    named = dict(Team.objects.filter(pk__in=ids, manager__is_active=True).exclude(manager=user)
                 .values_list("id", "manager_id"))
    members: dict[int, int] = {}
    for team_id, user_id in (User.objects.filter(team__in=ids, role=Role.MANAGER, is_active=True).exclude(pk=user.pk)
                             .order_by("-id").values_list("team_id", "id")):
        members[team_id] = user_id  # the earliest manager of each team wins
    for team_id in reversed(ids):
        manager_id = named.get(team_id) or members.get(team_id)
        if manager_id:
            return User.objects.get(pk=manager_id)
    return None


def _resolved(steps, owner):
    """(role, approver) for each required step: a named person, the owner's team manager, or None for a pool role
    (any active director / finance / administrator). With no manager above the owner, the directors decide."""
    users = User.objects.in_bulk([user_id for role, user_id in steps if user_id])
    for role, user_id in steps:
        if role == ApproverRole.USER:
            yield role, users[user_id]
        elif role == ApproverRole.MANAGER:
            manager = team_manager_of(owner)
            yield (role, manager) if manager is not None else (ApproverRole.DIRECTOR, None)
        else:
            yield role, None


def planned_steps(kind: str, amount, owner, flags=frozenset()) -> list[tuple[str, User | None]]:
    """(approver role, approver) of each step an approval of ``owner``'s document would have, in order, each once:
    what :func:`submit` creates (and the generator's approved history repeats)."""
    steps, seen = [], set()
    for role, approver in _resolved(required_steps(kind, amount, flags), owner):
        if (role, getattr(approver, "pk", None)) not in seen:
            seen.add((role, getattr(approver, "pk", None)))
            steps.append((role, approver))
    return steps


# --- actions ------------------------------------------------------------------------------------------------------

def _document_url(document) -> str:
    """The document's page, if it has one (a document without a page is still approvable)."""
    url = getattr(document, "get_absolute_url", None)
    try:
        return url() if url else ""
    except NoReverseMatch:
        return ""


@transaction.atomic
def submit(document, *, kind: str, amount: Decimal, actor, flags=frozenset(), note: str = "") -> ApprovalRequest | None:
    """Start the approval that the rules require for ``kind`` at ``amount``; None when no rule applies."""
    if kind not in DocumentKind.values:
        raise ValueError(f"unknown approval kind {kind!r}: add it to approvals.models.DocumentKind")
    owner = getattr(document, "owner", None) or actor
    steps = planned_steps(kind, amount, owner, flags)
    if not steps:
        return None
    content_type = ContentType.objects.get_for_model(type(document))
    if ApprovalRequest.objects.filter(content_type=content_type, object_id=document.pk, status=R.PENDING).exists():
        raise ValidationError(_("This document is already waiting for approval."))
    request = ApprovalRequest(
        content_type=content_type, object_id=document.pk, document_repr=str(document)[:200],
        document_url=_document_url(document)[:300], kind=kind, amount=to_money(amount), flags=sorted(flags or ()),
        note=note[:500], owner=owner, team_id=getattr(document, "team_id", None) or owner.team_id,
        submitted_by=actor,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # a concurrent submit of the same document won
        raise ValidationError(_("This document is already waiting for approval.")) from None
    rows = [ApprovalStep(request=request, position=position, role=role, approver=approver)
            for position, (role, approver) in enumerate(steps, start=1)]
    ApprovalStep.objects.bulk_create(rows)
    audit.record(document, AuditEntry.Action.ACTION, actor=actor,
                 changes={"approval": "submitted", "amount": str(request.amount), "steps": len(rows)},
                 note=_("Submitted for approval"))
    _notify_approvers(request, rows[0])
    return request


def can_decide(user, request: ApprovalRequest, step: ApprovalStep | None = None) -> bool:
    """May ``user`` decide the request's current step? Its named approver, a holder of its pool role (never the
    submitter: nobody approves their own request), or an administrator."""
    if user is None or not user.is_authenticated or not user.is_active or not request.is_pending:
        return False
    if user.is_org_admin:
        return True
    step = step or request.steps.filter(position=request.current_step).first()
    if step is None or user.pk == request.submitted_by_id:
        return False
    if step.approver_id:
        return step.approver_id == user.pk
    return POOL_ROLES.get(step.role) == user.role


def _locked(request: ApprovalRequest, version: int | None) -> ApprovalRequest:
    locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if version is not None and locked.version != version:
        raise DecisionConflict(locked)
    if not locked.is_pending:
        raise DecisionConflict(locked)
    return locked


@transaction.atomic
def decide(request: ApprovalRequest, *, actor, approve: bool, comment: str = "",
           version: int | None = None) -> ApprovalRequest:
    """Approve or reject the current step. The last approval runs the document's ``on_approved`` hook and a
    rejection its ``on_rejected`` hook, in this transaction. ``version``: the request version the actor saw."""
    request = _locked(request, version)
    step = request.steps.select_for_update().get(position=request.current_step)
    if step.decision != D.PENDING:
        raise DecisionConflict(request)
    if not can_decide(actor, request, step):
        raise PermissionDenied(_("You are not the approver of this step."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why you reject it.")})
    now = timezone.now()
    step.decision = D.APPROVED if approve else D.REJECTED
    step.decided_by, step.comment, step.decided_at = actor, comment[:1000], now
    step.save(update_fields=["decision", "decided_by", "comment", "decided_at"])
    next_step = request.steps.filter(position__gt=step.position).order_by("position").first() if approve else None
    if next_step is not None:
        request.current_step = next_step.position
        request.save(update_fields=["current_step"])
    else:
        request.status = R.APPROVED if approve else R.REJECTED
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        if not approve:
            request.steps.filter(decision=D.PENDING).update(decision=D.CANCELLED)
    document = request.document
    if document is not None:
        audit.record(document, AuditEntry.Action.ACTION, actor=actor,
                     changes={"approval": step.decision, "step": step.position, "comment": comment[:300]},
                     note=_("Approval step %(n)s: %(decision)s") % {"n": step.position,
                                                                     "decision": step.get_decision_display()})
        hooks = registry.hooks_for(type(document))
        if request.status == R.APPROVED:
            hooks.on_approved(document, actor)
        elif request.status == R.REJECTED:
            hooks.on_rejected(document, actor, comment)
    if next_step is not None:
        _notify_approvers(request, next_step)
    else:
        _notify_submitter(request, actor, comment)
    return request


@transaction.atomic
def withdraw(request: ApprovalRequest, *, actor, comment: str = "", version: int | None = None) -> ApprovalRequest:
    """The submitter (or an administrator) takes a pending request back; its waiting steps are cancelled."""
    request = _locked(request, version)
    if not (actor.is_org_admin or actor.pk == request.submitted_by_id):
        raise PermissionDenied(_("Only the submitter can withdraw this request."))
    request.status, request.decided_at = R.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "decided_at"])
    request.steps.filter(decision=D.PENDING).update(decision=D.CANCELLED, comment=(comment or "")[:1000])
    document = request.document
    if document is not None:
        audit.record(document, AuditEntry.Action.ACTION, actor=actor, changes={"approval": "withdrawn"},
                     note=_("Approval withdrawn"))
        registry.hooks_for(type(document)).on_withdrawn(document, actor)
    return request


# --- reads --------------------------------------------------------------------------------------------------------

def _with_steps(queryset):
    return queryset.select_related("submitted_by").prefetch_related(
        Prefetch("steps", queryset=ApprovalStep.objects.select_related("approver", "decided_by")))


def pending_for(document) -> ApprovalRequest | None:
    return _with_steps(ApprovalRequest.objects.for_document(document).pending()).first()


def history(document) -> list[ApprovalRequest]:
    """Every approval request of ``document``, newest first, with its steps (who, what, when, comment)."""
    return list(_with_steps(ApprovalRequest.objects.for_document(document)))


def latest_for(document) -> ApprovalRequest | None:
    return ApprovalRequest.objects.for_document(document).first()


def is_approved(document) -> bool:
    """Did the document's latest approval end in approval? An app that lets an approved document be edited submits
    it again (``submit``) and treats it as not approved until that request is decided."""
    latest = latest_for(document)
    return latest is not None and latest.status == R.APPROVED


# --- notifications (after commit) -----------------------------------------------------------------------------------

def approvers_of(step: ApprovalStep):
    if step.approver_id:
        return User.objects.filter(pk=step.approver_id, is_active=True)
    role = POOL_ROLES.get(step.role, Role.ADMIN)
    return User.objects.filter(is_active=True, role=role)


def _notify_approvers(request: ApprovalRequest, step: ApprovalStep) -> None:
    def send():
        text = _("Awaiting your approval: %(document)s, %(amount)s (from %(who)s)") % {
            "document": request.document_repr, "amount": format_money(request.amount),
            "who": request.submitted_by}
        for user in approvers_of(step).exclude(pk=request.submitted_by_id):
            notify(recipient=user, text=text, url=request.get_absolute_url(), kind="approval")

    transaction.on_commit(send)


def _notify_submitter(request: ApprovalRequest, actor, comment: str) -> None:
    def send():
        if request.status == R.APPROVED:
            text = _("Approved: %(document)s") % {"document": request.document_repr}
        else:
            text = _("Rejected by %(who)s: %(document)s — %(comment)s") % {
                "who": actor, "document": request.document_repr, "comment": comment}
        notify(recipient=request.submitted_by, text=text, url=request.document_url or request.get_absolute_url(),
               kind="approval")

    transaction.on_commit(send)
