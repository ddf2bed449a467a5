"""Leads (销售线索): unverified sales information, from inbound and outbound sources, until converted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.validators import clean_phone_fields
from salesflow.org.access import OwnedQuerySet


class LeadSource(models.Model):
    class Channel(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound (推播)")
        INBOUND = "inbound", _("Inbound (集客)")

    name = models.CharField(_("name"), max_length=60, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")
        ordering = ["channel", "name"]

    def __str__(self):
        return self.name


class SourceCost(AuditedModel):
    """What a lead source cost in one month (投放成本): entered by an admin or director, read by the lead-source
    efficiency analysis. Written only through ``leads.costs.set_source_cost``."""

    source = models.ForeignKey(LeadSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="costs")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lead source cost")
        verbose_name_plural = _("lead source costs")
        ordering = ["-month", "source__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "month"], name="source_cost_one_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="source_cost_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="source_cost_month_first_day"),
        ]

    def __str__(self):
        return f"{self.source} {self.month:%Y-%m}"


class LeadQuerySet(OwnedQuerySet):
    def open(self):
        return self.exclude(status__in=[Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED])

    def qualified(self):
        """Leads that reached qualified: qualified now, or converted since (lead-source efficiency counts these)."""
        return self.filter(status__in=Lead.REACHED_QUALIFIED)

    def search(self, text: str):
        if not text:
            return self
        return self.filter(Q(company__icontains=text) | Q(contact_name__icontains=text) | Q(phone__icontains=text)
                           | Q(email__iexact=text))


class Lead(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        CONVERTED = "converted", _("Converted")
        DISQUALIFIED = "disqualified", _("Disqualified")

    REACHED_QUALIFIED = (Status.QUALIFIED, Status.CONVERTED)

    # Which status may follow which (converting and disqualifying have their own actions).
    # Any open lead may be converted (a hot lead need not be marked qualified first); a disqualified one is
    # reopened first. ``services.convert_lead`` asks ``can_become(CONVERTED)``, so the two cannot disagree.
    TRANSITIONS = {
        Status.NEW: {Status.CONTACTED, Status.QUALIFIED, Status.DISQUALIFIED, Status.CONVERTED},
        Status.CONTACTED: {Status.QUALIFIED, Status.DISQUALIFIED, Status.NEW, Status.CONVERTED},
        Status.QUALIFIED: {Status.CONTACTED, Status.DISQUALIFIED, Status.CONVERTED},
        Status.DISQUALIFIED: {Status.NEW},
        Status.CONVERTED: set(),
    }

    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    source = models.ForeignKey(LeadSource, verbose_name=_("source"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="leads")
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="leads")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    disqualify_reason = models.CharField(_("disqualification reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged_from")
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    converted_customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="source_leads")
    converted_contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    converted_opportunity = models.ForeignKey("pipeline.Opportunity", null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="source_leads")

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"], name="lead_owner_status_idx"),
            models.Index(fields=["team", "status"], name="lead_team_status_idx"),
            models.Index(fields=["status", "last_activity_at"], name="lead_status_activity_idx"),
            models.Index(fields=["source", "status"], name="lead_source_idx"),
            models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
            models.Index(fields=["phone"], name="lead_phone_idx"),
            models.Index(fields=["email"], name="lead_email_idx"),
        ]

    def __str__(self):
        return f"{self.company} · {self.contact_name}" if self.contact_name else self.company

    def get_absolute_url(self):
        return reverse("leads:detail", args=[self.pk])

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]

    def clean(self):
        """A lead needs a way to reach it (every door validates through here: forms, API, import)."""
        super().clean()
        if not (self.phone or self.email or self.wechat):
            raise ValidationError({"phone": _("Give at least one way to reach the lead: phone, email or WeChat.")})
        clean_phone_fields(self, "phone")  # mainland mobile or landline (core.validators)


class LeadAssignmentRule(models.Model):
    """Applied in order to new unowned leads: by region (a region subtree -> reps) or plain round robin."""

    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("Empty: any lead (round robin)."))
    reps = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("reps"), related_name="+")
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lead assignment rule")
        verbose_name_plural = _("lead assignment rules")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class LeadSettings(models.Model):
    untouched_days = models.PositiveSmallIntegerField(_("remind after days untouched"), default=3)

    def __str__(self):
        return f"{self.untouched_days} days"

    @classmethod
    def current(cls) -> "LeadSettings":
        return cls.objects.first() or cls.objects.create()


class LeadReminder(models.Model):
    """Remembers that an owner was reminded of an untouched lead, so each lull is reminded once."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    for_activity_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lead", "for_activity_at"], name="lead_reminder_once")]

    def __str__(self):
        return f"{self.lead_id}"


class InboundSubmission(models.Model):
    """Web-form submissions per address, for rate limiting (kept a day)."""

    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.ip} {self.at}"
