"""Approval rules, requests and their steps.

A rule says: documents of this kind (agreement, discount, ...) at or above this amount (and, if the rule names a
flag such as ``credit``, only when the submitter raises that flag) need these steps, in order. Every rule that
applies contributes its steps; the request's steps are the rules' steps in order of threshold (unflagged rules
first, then flagged ones), each approver role or named user once. A request's steps are rows: the full history.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.org.access import OwnedQuerySet, visibility_q
from salesflow.org.models import Role


class ApproverRole(models.TextChoices):
    MANAGER = "manager", _("Team manager of the owner")
    DIRECTOR = "director", _("Sales director")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Administrator")
    USER = "user", _("Named user")


class DocumentKind(models.TextChoices):
    """What is approved. A new kind of document adds its code here (a choices-only migration)."""

    AGREEMENT = "agreement", _("Contract / order")
    DISCOUNT = "discount", _("Discount")
    QUOTATION = "quotation", _("Quotation")


class Flag(models.TextChoices):
    """Conditions the submitting app raises; a rule with a flag applies only to documents that carry it."""

    CREDIT = "credit", _("Over the credit limit")
    DISCOUNT = "discount", _("Discount above the allowed maximum")


# Which user role may decide a step addressed to an approver role (for roles answered by anyone holding them).
POOL_ROLES = {ApproverRole.DIRECTOR: Role.DIRECTOR, ApproverRole.FINANCE: Role.FINANCE,
              ApproverRole.ADMIN: Role.ADMIN}


class ApprovalRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def applying(self, kind: str, amount, flags=frozenset()):
        """The active rules of ``kind`` that ``amount`` and ``flags`` trigger, in the order their steps run."""
        flags = sorted(flags or ())
        return (self.active().filter(kind=kind, min_amount__lte=amount)
                .filter(Q(flag="") | Q(flag__in=flags))
                .order_by(models.Case(models.When(flag="", then=0), default=1), "min_amount", "id"))


class ApprovalRule(AuditedModel, VersionedModel):
    kind = models.CharField(_("document kind"), max_length=40, choices=DocumentKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    min_amount = MoneyField(_("from amount"), default=0)
    flag = models.CharField(_("only when flagged"), max_length=40, blank=True, choices=Flag.choices,
                            help_text=_("Leave empty for every document of the kind."))
    active = models.BooleanField(_("active"), default=True)

    objects = ApprovalRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["kind", "flag", "min_amount", "id"]
        constraints = [models.CheckConstraint(condition=Q(min_amount__gte=0), name="approval_rule_amount_not_negative")]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} ≥ {self.min_amount}"


class ApprovalRuleStep(models.Model):
    rule = models.ForeignKey(ApprovalRule, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    role = models.CharField(_("approver"), max_length=10, choices=ApproverRole.choices, default=ApproverRole.MANAGER)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("named user"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rule step")
        verbose_name_plural = _("rule steps")
        ordering = ["rule", "position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(role="user") | Q(user__isnull=False),
                                              name="approval_rule_step_named_user_given")]

    def __str__(self):
        return str(self.user) if self.role == ApproverRole.USER and self.user_id else self.get_role_display()


class ApprovalRequestQuerySet(OwnedQuerySet):
    def pending(self):
        return self.filter(status=ApprovalRequest.Status.PENDING)

    def for_document(self, document):
        return self.filter(content_type=ContentType.objects.get_for_model(type(document)), object_id=document.pk)

    def visible_to(self, user):
        """What the owner's organisation sees (org.access), plus every request in which ``user`` is an approver."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        organisation = visibility_q(user, self.model)
        if not organisation:  # scope "all": an empty Q would vanish from the OR below instead of matching all
            return self.all()
        named = ApprovalStep.objects.filter(request=OuterRef("pk"), approver=user)
        return self.filter(organisation | Q(Exists(named)) | Q(submitted_by=user))


class ApprovalRequest(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"
    FINANCE_READS = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    document_repr = models.CharField(_("document"), max_length=200)
    document_url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    amount = MoneyField(_("amount"))
    flags = models.JSONField(_("flags"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    # The document's owner and team when submitted: whose organisation sees the request (org.access).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    team = models.ForeignKey("org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="approval_requests")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], condition=Q(status="pending"),
                                    name="approval_one_pending_per_document"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="approval_request_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-submitted_at"], name="approval_document_idx"),
            models.Index(fields=["submitted_by", "-submitted_at"], name="approval_submitter_idx"),
            models.Index(fields=["owner", "status"], name="approval_owner_idx"),
            models.Index(fields=["team", "status"], name="approval_team_idx"),
        ]

    def __str__(self):
        return f"{self.document_repr} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("approvals:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ApprovalStepQuerySet(models.QuerySet):
    def awaiting(self, user):
        """The steps waiting for ``user`` now: the current step of a pending request addressed to them by name,
        or to a role they hold (directors, finance, administrators answer for their role as a pool)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        mine = Q(approver=user)
        pool_roles = [step_role for step_role, role in POOL_ROLES.items() if role == user.role]
        if pool_roles:
            mine |= Q(approver__isnull=True, role__in=pool_roles)
        return (self.filter(mine, decision=ApprovalStep.Decision.PENDING,
                            request__status=ApprovalRequest.Status.PENDING,
                            position=models.F("request__current_step"))
                .exclude(request__submitted_by=user))


class ApprovalStep(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Not needed")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("approver role"), max_length=10, choices=ApproverRole.choices)
    # The person who must decide; empty for a pool role (any active director / finance / administrator).
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="approval_steps")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApprovalStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="approval_step_unique_position")]
        indexes = [
            models.Index(fields=["approver", "decision"], name="approval_step_approver_idx"),
            models.Index(fields=["role", "decision"], name="approval_step_role_idx"),
            models.Index(fields=["decided_by", "-decided_at"], name="approval_step_decider_idx"),
        ]

    def __str__(self):
        return f"{self.position}. {self.approver_label} — {self.get_decision_display()}"

    @property
    def approver_label(self) -> str:
        if self.approver_id:
            return str(self.approver)
        return str(self.get_role_display())
