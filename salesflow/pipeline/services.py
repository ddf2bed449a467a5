"""Every change of an opportunity's state goes through these functions (one transaction each, history rows kept)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.customers.services import record_deal
from salesflow.org import access
from salesflow.org.models import Role

from .models import (
    Opportunity,
    OpportunityChange,
    OpportunityLine,
    Pipeline,
    Reason,
    Stage,
    StageChange,
    StageDurationStat,
)

S = Opportunity.Status


def _locked(opportunity: Opportunity, version: int | None) -> Opportunity:
    # Lock the opportunity row alone: with a join (select_related) PostgreSQL re-checks the joined stage row after
    # waiting for a concurrent move, finds the join no longer holds and returns no row (DoesNotExist -> HTTP 500).
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if version is not None and locked.version != version:
        raise StaleEditError(locked)
    return locked


def _history(opportunity, *, actor, from_stage, to_stage, from_status, to_status, overridden=False, reason="",
             at=None):
    StageChange.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=to_stage, from_status=from_status,
        to_status=to_status, changed_by=actor, overridden=overridden, override_reason=reason,
        changed_at=at or timezone.now(),
    )


@transaction.atomic
def open_opportunity(*, actor, customer, subject: str, amount=Decimal(0), owner=None, pipeline=None,
                     expected_close_date=None, lines=None, contacts=None, source="", type="new_business",  # noqa: A002
                     idempotency_key=None) -> Opportunity:
    """Create an opportunity in the first stage of its pipeline. A retry with the same key returns the first one."""
    if idempotency_key:
        existing = Opportunity.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    pipeline = pipeline or Pipeline.default()
    if pipeline is None:
        raise ValidationError(_("No active pipeline is configured."))
    first_stage = pipeline.stages.order_by("order").first()
    owner = owner or customer.owner or actor
    opportunity = Opportunity(
        subject=subject, customer=customer, owner=owner, team_id=owner.team_id, region_id=customer.region_id,
        pipeline=pipeline, stage=first_stage, amount=amount or Decimal(0), source=source, type=type,
        expected_close_date=expected_close_date or (timezone.localdate() + datetime.timedelta(days=90)),
        idempotency_key=idempotency_key,
    )
    opportunity.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            opportunity.save()
    except IntegrityError:
        if idempotency_key:  # a concurrent retry won the race
            return Opportunity.objects.get(idempotency_key=idempotency_key)
        raise
    if lines:
        set_lines(opportunity=opportunity, lines=lines)
    if contacts:
        opportunity.contacts.set(contacts)
    _history(opportunity, actor=actor, from_stage=None, to_stage=first_stage, from_status="", to_status=S.TRACKING,
             at=opportunity.created_at)
    return opportunity


EXTRA_FIELDS = ("category", "priority", "starred", "forecast_category", "next_step")


def check_can_create(actor, customer) -> None:
    """May ``actor`` open an opportunity on ``customer``? The one check every door (page, API) asks first."""
    access.require_can_create(actor)
    if customer is not None:
        access.require_change(actor, customer)


@transaction.atomic
def create_opportunity(*, actor, customer, subject: str, contacts=(), competitors=(), lines=None, **fields):
    """The one door for a person creating an opportunity: checked, then created with its contacts,
    competitors and lines in one transaction (all or nothing)."""
    check_can_create(actor, customer)
    extra = {name: fields.pop(name) for name in EXTRA_FIELDS if name in fields}
    opportunity = open_opportunity(actor=actor, customer=customer, subject=subject, lines=lines, **fields)
    if extra:
        for name, value in extra.items():
            setattr(opportunity, name, value)
        opportunity.full_clean(exclude=["idempotency_key", "contacts", "competitors"])
        opportunity.save(update_fields=list(extra))
    if contacts:
        if customer is None or any(contact.customer_id != customer.pk for contact in contacts):
            raise ValidationError({"contacts": _("Contacts must belong to the opportunity's customer.")})
        opportunity.contacts.set(contacts)
    if competitors:
        opportunity.competitors.set(competitors)
    return opportunity


def set_lines(*, opportunity, lines, actor=None) -> None:
    """Replace the line items; the opportunity's amount becomes their sum."""
    opportunity.lines.all().delete()
    objects = []
    for product, quantity, unit_price in lines:
        quantity, unit_price = Decimal(quantity), Decimal(unit_price)
        objects.append(OpportunityLine(opportunity=opportunity, product=product, quantity=quantity,
                                       unit_price=unit_price, amount=(quantity * unit_price).quantize(Decimal("0.01"))))
    OpportunityLine.objects.bulk_create(objects)
    total = sum((line.amount for line in objects), Decimal(0))
    if total != opportunity.amount:
        _record_change(opportunity, "amount", opportunity.amount, total, actor=actor)
        opportunity.amount = total
        opportunity.save(update_fields=["amount"])


@transaction.atomic
def replace_lines(*, actor, opportunity, lines) -> Opportunity:
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, None)
    set_lines(opportunity=opportunity, lines=lines, actor=actor)
    return opportunity


def _record_change(opportunity, field, old, new, *, actor):
    OpportunityChange.objects.create(opportunity=opportunity, field=field, old_value=str(old), new_value=str(new),
                                     changed_by=actor)


@transaction.atomic
def move_stage(*, actor, opportunity: Opportunity, stage: Stage, version=None, override_reason="") -> Opportunity:
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, version)
    if opportunity.status != S.TRACKING:
        raise ValidationError(_("Only an opportunity being tracked can change stage."))
    if stage.pipeline_id != opportunity.pipeline_id:
        raise ValidationError(_("That stage belongs to another pipeline."))
    if stage.pk == opportunity.stage_id:
        return opportunity
    overridden = False
    if stage.order > opportunity.stage.order:
        missing = opportunity.missing_key_actions_to(stage)
        empty = [f for f in stage.required_fields if not getattr(opportunity, f, None)]
        if missing or empty:
            if not override_reason.strip():
                problems = [_("“%(stage)s”: %(actions)s") % {"stage": s.name, "actions": "、".join(actions)}
                            for s, actions in missing.items()]
                problems += [_("field “%(f)s” is empty") % {"f": f} for f in empty]
                raise ValidationError(_("Complete the key actions of every stage up to “%(stage)s” first "
                                        "(or ask a manager to override): %(missing)s")
                                      % {"stage": stage.name, "missing": "; ".join(problems)})
            if not actor.is_manager_or_above:
                raise PermissionDenied(_("Only a manager can skip the key actions."))
            overridden = True
    _history(opportunity, actor=actor, from_stage=opportunity.stage, to_stage=stage, from_status=S.TRACKING,
             to_status=S.TRACKING, overridden=overridden, reason=override_reason.strip())
    opportunity.stage = stage
    opportunity.stage_entered_at = timezone.now()
    opportunity.completed_actions = []
    opportunity.save()
    return opportunity


def _close(*, actor, opportunity, status, reason, closed_at, version):
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, version)
    if opportunity.status not in (S.TRACKING, S.SUSPENDED):
        raise ValidationError(_("This opportunity is already closed."))
    if reason is not None and reason.kind != ("win" if status == S.WON else "loss"):
        raise ValidationError(_("That reason does not fit this outcome."))
    _history(opportunity, actor=actor, from_stage=opportunity.stage, to_stage=opportunity.stage,
             from_status=opportunity.status, to_status=status, at=closed_at)
    opportunity.status = status
    opportunity.closed_at = closed_at or timezone.now()
    opportunity.forecast_category = (Opportunity.ForecastCategory.CLOSED if status == S.WON
                                     else Opportunity.ForecastCategory.OMITTED)
    if status == S.WON:
        opportunity.win_reason = reason
        if opportunity.customer_id:
            record_deal(customer=opportunity.customer, at=opportunity.closed_at)
    else:
        opportunity.loss_reason = reason
    opportunity.save()
    return opportunity


@transaction.atomic
def win_opportunity(*, actor, opportunity, reason: Reason | None = None, closed_at=None, version=None):
    return _close(actor=actor, opportunity=opportunity, status=S.WON, reason=reason, closed_at=closed_at,
                  version=version)


@transaction.atomic
def lose_opportunity(*, actor, opportunity, reason: Reason | None = None, closed_at=None, version=None):
    return _close(actor=actor, opportunity=opportunity, status=S.LOST, reason=reason, closed_at=closed_at,
                  version=version)


@transaction.atomic
def suspend_opportunity(*, actor, opportunity, version=None):
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, version)
    if opportunity.status != S.TRACKING:
        raise ValidationError(_("Only an opportunity being tracked can be suspended."))
    _history(opportunity, actor=actor, from_stage=opportunity.stage, to_stage=opportunity.stage,
             from_status=S.TRACKING, to_status=S.SUSPENDED)
    opportunity.status = S.SUSPENDED
    opportunity.save()
    return opportunity


@transaction.atomic
def reopen_opportunity(*, actor, opportunity, version=None):
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, version)
    if opportunity.status == S.TRACKING:
        raise ValidationError(_("This opportunity is already open."))
    _history(opportunity, actor=actor, from_stage=opportunity.stage, to_stage=opportunity.stage,
             from_status=opportunity.status, to_status=S.TRACKING)
    opportunity.status = S.TRACKING
    opportunity.closed_at = None
    opportunity.win_reason = opportunity.loss_reason = None
    opportunity.forecast_category = Opportunity.ForecastCategory.PIPELINE
    opportunity.save()
    return opportunity


@transaction.atomic
def update_opportunity(*, actor, opportunity, version, **fields) -> Opportunity:
    """Edit plain fields; amount and close-date changes are kept as history (a later date counts as a push)."""
    access.require_change(actor, opportunity)
    opportunity = _locked(opportunity, version)
    for name in ("amount", "expected_close_date"):
        if name in fields and fields[name] != getattr(opportunity, name):
            _record_change(opportunity, name, getattr(opportunity, name), fields[name], actor=actor)
            if name == "expected_close_date" and fields[name] > opportunity.expected_close_date:
                opportunity.close_date_pushes += 1
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean(exclude=["idempotency_key", "contacts", "competitors"])
    opportunity.save()
    return opportunity


@transaction.atomic
def apply_learned_rates(*, actor, pipeline) -> int:
    """An admin sets each stage's win rate to the rate learned from history, where the sample is large enough.
    Returns the number of stages changed. (The analytics modules only read; this is the write.)"""
    from .analytics.winrates import win_rates

    access.require_role(actor, Role.ADMIN)
    changed = 0
    for row in win_rates(Opportunity.objects.all(), pipeline):
        if row["enough_sample"] and row["learned_win_percent"] != row["configured_win_percent"]:
            stage = Stage.objects.select_for_update().get(pk=row["stage_id"])
            audit.record(stage, "update", changes={"win_rate": [str(stage.win_rate), str(row["learned_win_percent"])]},
                         actor=actor, note="learned win rate applied")
            stage.win_rate = row["learned_win_percent"]
            stage.save(update_fields=["win_rate"])
            changed += 1
    return changed


@transaction.atomic
def refresh_stall_thresholds(pipeline) -> dict[int, tuple[float, float]]:
    """Recompute how long deals usually stay in each stage and store it (the worker does this every hour)."""
    from django.core.cache import cache

    from .analytics.stalled import CACHE_SECONDS, cache_key, compute_thresholds

    limits = compute_thresholds(pipeline)
    StageDurationStat.objects.filter(stage__pipeline=pipeline).exclude(stage_id__in=limits).delete()
    now = timezone.now()
    for stage_id, (p80, p95) in limits.items():
        StageDurationStat.objects.update_or_create(stage_id=stage_id, defaults={
            "p80_days": p80, "p95_days": p95, "computed_at": now})
    transaction.on_commit(lambda: cache.set(cache_key(pipeline), limits, CACHE_SECONDS))
    return limits
