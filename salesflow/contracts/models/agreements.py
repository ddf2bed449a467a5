"""Agreements (销售合约): a contract (合同, services) or an order (订单, products), with line items, terms,
attachments, a status history, deliveries (orders) and milestones (service contracts).

Money received and invoiced is kept on the agreement as running totals (``collected_amount``,
``invoiced_amount``, ``planned_amount``), changed only by the receivables services under a row lock; database
constraints keep them within the agreement amount, so no route can over-collect or over-invoice."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.org.access import OwnedQuerySet

from .quotations import QUANTITY, RATE


class AgreementQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)


class Agreement(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"
    FINANCE_READS = True  # finance records payments and issues invoices for every agreement it may see
    # Changes audited under names that are not fields (receivables.services.replace_plan), for the history.
    AUDIT_LABELS = {"payment_plan": _("Payment plan")}

    class Kind(models.TextChoices):
        CONTRACT = "contract", pgettext_lazy("agreement kind", "Contract")
        ORDER = "order", pgettext_lazy("agreement kind", "Order")  # 订单, not the "order" (顺序) of a list

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")  # 生效
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONTRACT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="agreements")
    opportunity = models.ForeignKey("pipeline.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="agreements")
    quotation = models.ForeignKey("contracts.Quotation", verbose_name=_("quotation"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="agreements")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="agreements")
    team = models.ForeignKey("org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    region = models.ForeignKey("org.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    signed_on = models.DateField(_("signed on"))
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    end_on = models.DateField(_("ends on"), null=True, blank=True)
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Terms
    payment_terms_days = models.PositiveSmallIntegerField(_("payment due (days after signing)"), default=30)
    payment_terms = models.CharField(_("payment terms"), max_length=300, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=200, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=100, blank=True)
    breach_liability = models.TextField(_("liability for breach"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set when signing it would take the customer's outstanding receivables over its credit limit.
    credit_flagged = models.BooleanField(_("over credit limit"), default=False)
    # Running totals, maintained by the receivables services (never edited by hand).
    planned_amount = MoneyField(_("planned"), default=0, editable=False)
    collected_amount = MoneyField(_("collected"), default=0, editable=False)
    invoiced_amount = MoneyField(_("invoiced"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_amount_not_negative"),
            models.CheckConstraint(condition=Q(collected_amount__gte=0) & Q(collected_amount__lte=F("amount")),
                                   name="agreement_collected_within_amount"),
            models.CheckConstraint(condition=Q(invoiced_amount__gte=0) & Q(invoiced_amount__lte=F("amount")),
                                   name="agreement_invoiced_within_amount"),
            models.CheckConstraint(condition=Q(planned_amount__gte=0) & Q(planned_amount__lte=F("amount")),
                                   name="agreement_planned_within_amount"),
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(start_on__isnull=True)
                                   | Q(end_on__gte=F("start_on")), name="agreement_ends_after_start"),
        ]
        indexes = [
            # include id: a group of reps' payments (report figures) hash-join their agreements from the index alone
            models.Index(fields=["owner", "-signed_on"], include=["id"], name="agreement_owner_idx"),
            models.Index(fields=["team", "-signed_on"], name="agreement_team_idx"),
            models.Index(fields=["customer", "status"], name="agreement_customer_idx"),
            models.Index(fields=["signed_on", "status", "owner", "team", "amount"], name="agreement_signed_idx"),
            # Receivables (ageing, overdue, DSO, forecast) join only active and completed agreements: read from
            # this narrow index instead of the whole table (PostgreSQL reads it index-only; SQLite ignores include).
            models.Index(fields=["team", "owner"], name="agreement_receivable_idx",
                         include=["id", "amount", "collected_amount", "signed_on", "region"],
                         condition=Q(status__in=["active", "completed"])),
            # …of which those not yet fully collected: what is receivable now, per team, rep or region (DSO)
            models.Index(fields=["team", "owner", "region"], name="agreement_open_idx",
                         include=["amount", "collected_amount", "signed_on"],
                         condition=Q(status__in=["active", "completed"], collected_amount__lt=F("amount"))),
            # …and the few that are not (drafts, pending, terminated): receivable instalments are "not on one of
            # these", a small hashed lookup instead of a join over every agreement.
            models.Index(fields=["id"], name="agreement_not_receivable_idx",
                         condition=~Q(status__in=["active", "completed"])),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("contracts:agreement-detail", args=[self.pk])

    @property
    def outstanding_amount(self):
        return self.amount - self.collected_amount


class AgreementLine(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = MoneyField(_("unit price"))
    discount_rate = models.DecimalField(_("discount %"), default=0, **RATE)
    tax_rate = models.DecimalField(_("tax rate %"), default=0, **RATE)
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(unit_price__gte=0) & Q(amount__gte=0),
                                   name="agreement_line_not_negative"),
            models.CheckConstraint(condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=100)
                                   & Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="agreement_line_rates_range"),
        ]

    def __str__(self):
        return self.description or str(self.product or "")


class AgreementStatusChange(models.Model):
    """History is data: every status change of an agreement, with who and why."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.agreement_id}: {self.from_status} → {self.to_status}"


def attachment_path(instance, filename):
    # The stored name is generated; the user's file name is kept only in ``name`` (never a path on disk).
    return f"agreements/{instance.agreement_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class Attachment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """A (possibly partial) delivery against an order."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivered_on", "id"]

    def __str__(self):
        return f"{self.agreement} {self.delivered_on}"


class DeliveryLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    agreement_line = models.ForeignKey(AgreementLine, on_delete=models.PROTECT, related_name="deliveries")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_line_quantity_positive")]

    def __str__(self):
        return f"{self.agreement_line} × {self.quantity}"


class Milestone(models.Model):
    """A service contract's milestone: due, done, accepted by the customer."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)

    class Meta:
        ordering = ["position", "due_on", "id"]

    def __str__(self):
        return self.name
