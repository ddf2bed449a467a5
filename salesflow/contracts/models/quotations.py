"""Quotations (报价): versioned offers made from an opportunity, with lines, totals, validity and status."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.org.access import OwnedQuerySet

RATE = {"max_digits": 5, "decimal_places": 2}  # percentages: discount 0–100, tax rate 0–100
QUANTITY = {"max_digits": 14, "decimal_places": 2}


class Quotation(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(_("number"), max_length=40)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    # A revised quotation is a new row; the one it replaces keeps its lines and status.
    previous = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="revised_as")
    opportunity = models.ForeignKey("pipeline.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="quotations")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="quotations")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="quotations")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms"), blank=True)
    subtotal = MoneyField(_("amount before discount"), default=0)
    discount_total = MoneyField(_("discount"), default=0)
    tax_total = MoneyField(_("tax"), default=0)
    total = MoneyField(_("total"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    price_list = models.ForeignKey("catalog.PriceList", verbose_name=_("price list"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # A discount beyond the owner's role maximum may be sent only once approved (reset when the lines change).
    discount_approved = models.BooleanField(_("discount approved"), default=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], name="quotation_number_revision_unique"),
            models.CheckConstraint(condition=Q(total__gte=0) & Q(subtotal__gte=0) & Q(tax_total__gte=0)
                                   & Q(discount_total__gte=0), name="quotation_totals_not_negative"),
            # Only one quotation of an opportunity can be accepted.
            models.UniqueConstraint(fields=["opportunity"], condition=Q(status="accepted"),
                                    name="quotation_one_accepted_per_opportunity"),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="quotation_owner_idx"),
                   models.Index(fields=["team", "-created_at"], name="quotation_team_idx"),
                   models.Index(fields=["status", "valid_until"], name="quotation_expiry_idx")]

    def __str__(self):
        return f"{self.number} v{self.revision}"

    def get_absolute_url(self):
        return reverse("contracts:quotation-detail", args=[self.pk])

    @property
    def is_superseded(self) -> bool:
        """A revised quotation stays as it was (read-only); its revision is the live one."""
        return hasattr(self, "revised_as")

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT and not self.is_superseded


class QuotationLine(models.Model):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = MoneyField(_("unit price"))
    discount_rate = models.DecimalField(_("discount %"), default=0, **RATE)
    tax_rate = models.DecimalField(_("tax rate %"), default=0, **RATE)
    amount = MoneyField(_("amount"))  # quantity × unit price × (1 − discount), before tax
    tax = MoneyField(_("tax"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(unit_price__gte=0) & Q(amount__gte=0)
                                   & Q(tax__gte=0), name="quotation_line_not_negative"),
            models.CheckConstraint(condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=100)
                                   & Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="quotation_line_rates_range"),
        ]

    def __str__(self):
        return self.description or str(self.product or "")
