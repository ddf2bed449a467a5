"""Customers (客户), their contacts (联系人), tags, and the customer pool (公海) with its rules and history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.core.validators import clean_phone_fields
from salesflow.org.access import OwnedQuerySet

from .credit_code import validate_credit_code

LEVELS = [("high", _("High")), ("medium", _("Medium")), ("low", _("Low"))]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f5eff")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CustomerQuerySet(OwnedQuerySet):
    def in_pool(self):
        return self.filter(owner__isnull=True)

    def search(self, text: str):
        """Name or phone contains ``text``, or credit code / e-mail equal to it — the one search of page, API,
        export and pool (see ``customers.search``: on SQLite an index narrows the rows first)."""
        from .search import search

        return search(self, text)


class Customer(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    FINANCE_READS = True  # finance reads customer master data (read-only); see org.access
    ACCESS_TEAM = "team"

    class Size(models.TextChoices):
        MICRO = "micro", _("Fewer than 20 staff")
        SMALL = "small", _("20–99 staff")
        MEDIUM = "medium", _("100–499 staff")
        LARGE = "large", _("500–1999 staff")
        ENTERPRISE = "enterprise", _("2000+ staff")

    class Class(models.TextChoices):
        A = "A", _("A (key account)")
        B = "B", _("B (normal)")
        C = "C", _("C (small)")

    class Lifecycle(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        NEW = "new", _("New customer")
        GROWING = "growing", _("Growing")
        MATURE = "mature", _("Mature")
        DECLINING = "declining", _("Declining")
        LOST = "lost", _("Lost (churned)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("customer name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    size = models.CharField(_("size"), max_length=12, choices=Size.choices, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    external_id = models.CharField(_("external ID"), max_length=60, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="customers",
    )
    # The owner's team when the customer was assigned: team-scoped visibility filters on this column.
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    customer_class = models.CharField(_("customer class"), max_length=1, choices=Class.choices, default=Class.B)
    value_level = models.CharField(_("value"), max_length=6, choices=LEVELS, default="medium")
    potential_level = models.CharField(_("potential"), max_length=6, choices=LEVELS, default="medium")
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    credit_limit = MoneyField(_("credit limit"), default=0)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_deal_at = models.DateTimeField(_("last deal"), null=True, blank=True)
    pool_entered_at = models.DateTimeField(_("entered pool"), null=True, blank=True)
    # When the current owner took the customer (claim, assignment, transfer); empty = since it was created.
    # The pool rules' clocks never start before it, so a customer claimed today is not returned tonight.
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="customer_unique_credit_code"
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="customer_unique_external_id"
            ),
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="customer_credit_limit_not_negative"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_created_idx"),
            models.Index(fields=["team", "-created_at"], name="customer_team_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="customer_created_idx"),
            models.Index(fields=["region", "-created_at"], name="customer_region_created_idx"),
            models.Index(fields=["industry", "-created_at"], name="customer_industry_idx"),
            models.Index(fields=["customer_class", "lifecycle_stage"], name="customer_class_stage_idx"),
            models.Index(fields=["source"], name="customer_source_idx"),
            models.Index(fields=["last_contact_at"], name="customer_last_contact_idx"),
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            models.Index(fields=["-pool_entered_at", "-id"], condition=Q(owner__isnull=True), name="customer_pool_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:detail", args=[self.pk])

    def clean(self):
        clean_phone_fields(self, "phone")
        self.credit_code = self.credit_code.strip().upper()
        if self.credit_code:
            clash = Customer.objects.filter(credit_code=self.credit_code).exclude(pk=self.pk).first()
            if clash:
                raise ValidationError(
                    {"credit_code": _("Customer “%(name)s” already has this credit code.") % {"name": clash.name}}
                )

    def save(self, *args, **kwargs):
        if self.owner_id and not self.team_id:
            self.team_id = self.owner.team_id
        super().save(*args, **kwargs)

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None


class Contact(AuditedModel, VersionedModel):
    ACCESS_OWNER = "customer__owner"
    ACCESS_TEAM = "customer__team"
    FINANCE_READS = True

    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        GATEKEEPER = "gatekeeper", _("Gatekeeper")
        OTHER = "other", _("Other")

    class Attitude(models.TextChoices):
        SUPPORTIVE = "supportive", _("Supportive")
        NEUTRAL = "neutral", _("Neutral")
        OPPOSED = "opposed", _("Opposed")
        UNKNOWN = "unknown", _("Unknown")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    decision_role = models.CharField(_("decision role"), max_length=16, choices=DecisionRole.choices,
                                     default=DecisionRole.OTHER)
    attitude = models.CharField(_("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.UNKNOWN)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [
            models.Index(fields=["customer", "-is_primary"], name="contact_customer_idx"),
            models.Index(fields=["phone"], name="contact_phone_idx"),
            models.Index(fields=["email"], name="contact_email_idx"),
        ]

    def clean(self):
        clean_phone_fields(self, "phone")

    def __str__(self):
        return f"{self.name} ({self.customer})" if self.customer_id else self.name


class PoolRule(models.Model):
    """When a customer of a class goes back to the pool automatically (公海回收规则)."""

    customer_class = models.CharField(_("customer class"), max_length=1, choices=Customer.Class.choices,
                                      unique=True)
    days_without_contact = models.PositiveSmallIntegerField(_("days without follow-up"), default=30)
    days_without_deal = models.PositiveSmallIntegerField(_("days without a deal"), default=90)
    notice_days = models.PositiveSmallIntegerField(_("days of advance notice"), default=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        ordering = ["customer_class"]

    def __str__(self):
        return f"{self.customer_class}: {self.days_without_contact}/{self.days_without_deal}"


class PoolSettings(models.Model):
    """A single row: limits on the customer pool."""

    max_customers_per_rep = models.PositiveIntegerField(_("max customers a rep may own"), default=200)

    class Meta:
        verbose_name = _("pool settings")
        verbose_name_plural = _("pool settings")

    def __str__(self):
        return f"max {self.max_customers_per_rep}"

    @classmethod
    def current(cls) -> "PoolSettings":
        return cls.objects.first() or cls.objects.create()


class OwnershipChange(models.Model):
    """Every change of a customer's owner: claims, returns, assignments, transfers, automatic returns."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CLAIM = "claim", _("Claimed from pool")
        RETURN = "return", _("Returned to pool")
        AUTO_RETURN = "auto_return", _("Returned automatically")
        ASSIGN = "assign", _("Assigned")
        TRANSFER = "transfer", _("Transferred")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ownership_changes")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("from"))
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="ownership_customer_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.action}"


class PoolNotice(models.Model):
    """An advance warning sent to an owner that a customer will return to the pool (sent once per due date)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "owner", "due_on"], name="pool_notice_once")]

    def __str__(self):
        return f"{self.customer_id} due {self.due_on}"


class SavedView(models.Model):
    """A named list filter a user keeps (e.g. "我的A类客户")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_name = models.CharField(max_length=30)  # which list: "customers", "leads", "opportunities"
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "list_name", "name"], name="saved_view_unique")]

    def __str__(self):
        return self.name
