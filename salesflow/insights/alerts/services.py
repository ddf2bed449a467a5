"""Evaluating alert rules and acting on alerts. One door each: the job, the "evaluate now" button and the tests call
:func:`evaluate_rule`; the alert centre page and the API call :func:`acknowledge` and :func:`resolve`.

An evaluation compares the metric's findings with the open alerts of the rule: a new finding raises an alert (its
owner is notified in the app); a changed level is recorded; a finding gone clears its alert; red persisting
``escalate_after_days`` escalates to the owner's manager, as long again to the directors. What was raised or
escalated in one evaluation goes to the rule's channels as one message (WeCom / DingTalk / Feishu / e-mail)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesflow.core.notifications import notify
from salesflow.org.models import Role, Team, User

from ..delivery.services import queue_message
from ..models import Alert, AlertEvent, AlertRule
from ..models.alerts import Level
from .metrics import METRICS

DIGEST_LINES = 20  # alerts named in one channel message; the rest are counted


def _in_scope(rule: AlertRule, findings):
    """The findings of the rule's teams (and their sub-teams) and owners' roles; none chosen: all."""
    paths = list(rule.teams.values_list("path", flat=True))
    if paths:
        subtrees = Q()
        for path in paths:
            subtrees |= Q(path__startswith=path)
        allowed = set(Team.objects.filter(subtrees).values_list("pk", flat=True))
        findings = [f for f in findings if f.team_id in allowed]
    if rule.roles:
        roles = dict(User.objects.filter(pk__in={f.owner_id for f in findings}).values_list("pk", "role"))
        findings = [f for f in findings if roles.get(f.owner_id) in rule.roles]
    return findings


def _escalation_target(alert: Alert, step: int):
    """Step 1: the nearest manager up the owner's team tree (not the owner); step 2: a director."""
    if step == 1:
        team = alert.team or (alert.owner.team if alert.owner_id else None)
        if team is None:
            return None
        ids = [int(pk) for pk in team.path.strip("/").split("/")]
        manager = (Team.objects.filter(pk__in=ids, manager__isnull=False, manager__is_active=True)
                   .exclude(manager_id=alert.owner_id).select_related("manager").order_by("-depth").first())
        return manager.manager if manager is not None else None
    return User.objects.filter(is_active=True, role=Role.DIRECTOR).order_by("pk").first()


@transaction.atomic
def evaluate_rule(rule: AlertRule, now=None) -> dict:
    now = now or timezone.now()
    metric = METRICS[rule.metric]
    findings = {f.key: f for f in _in_scope(rule, metric.find(rule.yellow_at, now))}
    open_alerts = {a.key: a for a in rule.alerts.open().select_related("owner", "team", "escalated_to")}
    raised, changed, cleared, escalated, events = [], 0, 0, [], []
    for key, finding in findings.items():
        level = rule.level_of(finding.value)
        alert = open_alerts.get(key)
        if alert is None:
            alert = Alert.objects.create(rule=rule, key=key, subject=finding.subject[:200], url=finding.url,
                                         owner_id=finding.owner_id, team_id=finding.team_id, level=level,
                                         value=finding.value, message=finding.message[:300], raised_at=now,
                                         level_since=now, last_seen_at=now)
            events.append(AlertEvent(alert=alert, action=AlertEvent.Action.RAISED, at=now,
                                     note=f"{alert.get_level_display()} · {finding.message}"[:300]))
            raised.append(alert)
            continue
        fields = {"value": finding.value, "message": finding.message[:300], "last_seen_at": now}
        if alert.level != level:
            events.append(AlertEvent(alert=alert, action=AlertEvent.Action.LEVEL, at=now,
                                     note=f"{Level(alert.level).label} → {Level(level).label}"))
            fields.update(level=level, level_since=now)
            changed += 1
        elif level == Level.RED and rule.escalate_after_days and alert.escalation < 2 and \
                (now - alert.level_since).days >= rule.escalate_after_days * (alert.escalation + 1):
            target = _escalation_target(alert, alert.escalation + 1)
            fields["escalation"] = alert.escalation + 1
            if target is not None:
                fields["escalated_to"] = target
                notify(recipient=target, text=_("Escalated alert: %(rule)s — %(subject)s")
                       % {"rule": rule.label, "subject": alert.subject}, url=_alert_url(alert), kind="alert")
            events.append(AlertEvent(alert=alert, action=AlertEvent.Action.ESCALATED, at=now,
                                     note=str(target or _("nobody to escalate to"))))
            escalated.append(alert)
        for name, value in fields.items():
            setattr(alert, name, value)
        Alert.objects.filter(pk=alert.pk).update(**fields)
    for key, alert in open_alerts.items():
        if key not in findings:
            Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.RESOLVED, resolved_at=now)
            events.append(AlertEvent(alert=alert, action=AlertEvent.Action.CLEARED, at=now))
            cleared += 1
    AlertEvent.objects.bulk_create(events)
    for alert in raised:
        if alert.owner_id:
            notify(recipient=alert.owner, text=_("%(level)s alert: %(rule)s — %(subject)s")
                   % {"level": alert.get_level_display(), "rule": rule.label, "subject": alert.subject},
                   url=_alert_url(alert), kind="alert")
    _send_digest(rule, raised, escalated)
    result = {"raised": len(raised), "changed": changed, "escalated": len(escalated), "cleared": cleared,
              "open": len(findings)}
    AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now, last_result=str(result)[:300])
    return result


def _alert_url(alert: Alert) -> str:
    return reverse("insights:alert", args=[alert.pk])


def _send_digest(rule: AlertRule, raised, escalated) -> None:
    if not raised and not escalated:
        return
    lines = [f"- {'🔴' if a.level == Level.RED else '🟡'} {a.subject}: {a.message}" for a in raised[:DIGEST_LINES]]
    lines += [f"- ⏫ {a.subject}: {a.escalated_to or ''}" for a in escalated[:DIGEST_LINES]]
    more = len(raised) + len(escalated) - len(lines)
    if more > 0:
        lines.append(_("… and %(n)s more in the alert centre") % {"n": more})
    subject = _("%(rule)s: %(raised)s new, %(escalated)s escalated") % {
        "rule": rule.label, "raised": len(raised), "escalated": len(escalated)}
    for channel in rule.channels.filter(active=True):
        queue_message(channel=channel, subject=subject, text="\n".join(lines), source=f"rule:{rule.pk}")


def evaluate_due(now=None) -> dict:
    """The job: every active rule whose interval has passed."""
    now = now or timezone.now()
    return {rule.metric: evaluate_rule(rule, now) for rule in AlertRule.objects.filter(active=True)
            if rule.is_due(now) and rule.metric in METRICS}


def _act(alert: Alert, *, actor, status: str, action: str, note: str, allowed_from) -> Alert:
    if not Alert.objects.for_user(actor).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("You may not act on this alert."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status not in allowed_from:
        raise ValidationError({"status": _("This alert is already %(status)s.")
                               % {"status": alert.get_status_display()}})
    alert.status = status
    if status == Alert.Status.RESOLVED:
        alert.resolved_at = timezone.now()
    alert.save(update_fields=["status", "resolved_at"])
    AlertEvent.objects.create(alert=alert, action=action, by=actor, note=(note or "").strip()[:300])
    return alert


@transaction.atomic
def acknowledge(alert: Alert, *, actor, note: str = "") -> Alert:
    return _act(alert, actor=actor, status=Alert.Status.ACKNOWLEDGED, action=AlertEvent.Action.ACKNOWLEDGED,
                note=note, allowed_from=(Alert.Status.NEW,))


@transaction.atomic
def resolve(alert: Alert, *, actor, note: str = "") -> Alert:
    """Resolved by a person, who says how (required). If the finding persists, the next evaluation raises it anew."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done about it.")})
    return _act(alert, actor=actor, status=Alert.Status.RESOLVED, action=AlertEvent.Action.RESOLVED, note=note,
                allowed_from=(Alert.Status.NEW, Alert.Status.ACKNOWLEDGED))


def may_manage_rules(user) -> bool:
    return bool(user.is_authenticated and user.is_org_admin)


def require_may_manage_rules(user) -> None:
    if not may_manage_rules(user):
        raise PermissionDenied(_("Only an administrator changes alert rules."))
