"""Money: payment plans (回款计划) as instalments, payments received (回款) allocated to instalments, reversals,
and invoices (开票).

A reversal is a payment row with the negative amount of the one it reverses (``reversal_of``), never a delete;
allocations mirror it. Instalments and agreements carry running collected totals kept by the services under a row
lock on the agreement; constraints keep every total within its amount."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.money import MoneyField
from salesflow.org.access import OwnedQuerySet

from .quotations import RATE


class Instalment(models.Model):
    ACCESS_OWNER = "agreement__owner"
    ACCESS_TEAM = "agreement__team"
    FINANCE_READS = True

    agreement = models.ForeignKey("contracts.Agreement", on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    amount = MoneyField(_("amount"))
    collected_amount = MoneyField(_("collected"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["agreement", "due_on", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="instalment_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(condition=Q(collected_amount__gte=0) & Q(collected_amount__lte=F("amount")),
                                   name="instalment_collected_within_amount"),
        ]
        indexes = [
            models.Index(fields=["due_on", "agreement"], name="instalment_due_idx"),
            # Ageing, overdue lists and reminders read only the instalments still open (a small share of all).
            models.Index(fields=["due_on"], name="instalment_open_idx", condition=Q(collected_amount__lt=F("amount")),
                         include=["agreement", "amount", "collected_amount"]),
        ]

    def __str__(self):
        return f"{self.agreement} #{self.sequence}"

    @property
    def outstanding_amount(self):
        return self.amount - self.collected_amount


class Payment(models.Model):
    ACCESS_OWNER = "agreement__owner"
    ACCESS_TEAM = "agreement__team"
    FINANCE_READS = True
    FINANCE_EDITS = True

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill")
        CHEQUE = "cheque", _("Cheque")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey("contracts.Agreement", on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = MoneyField(_("amount"))  # negative only on a reversal row
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reversal_of = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="reversed_by")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The same request sent twice (a retry, a double click, an API call with the same Idempotency-Key) is one payment.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(reversal_of__isnull=True) & Q(amount__gt=0))
                                   | (Q(reversal_of__isnull=False) & Q(amount__lt=0)),
                                   name="payment_sign_matches_kind"),
        ]
        indexes = [models.Index(fields=["received_on", "agreement"], name="payment_received_idx")]

    def __str__(self):
        return f"{self.agreement} {self.received_on} {self.amount}"

    @property
    def is_reversal(self):
        return self.reversal_of_id is not None


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField(_("amount"))  # negative on a reversal's allocations

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero")]

    def __str__(self):
        return f"{self.payment_id} → {self.instalment_id}: {self.amount}"


class Invoice(models.Model):
    ACCESS_OWNER = "agreement__owner"
    ACCESS_TEAM = "agreement__team"
    FINANCE_READS = True
    FINANCE_EDITS = True

    class Type(models.TextChoices):
        SPECIAL = "special", _("VAT special invoice")  # 增值税专用发票
        NORMAL = "normal", _("VAT normal invoice")  # 普通发票

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        VOID = "void", _("Void")

    agreement = models.ForeignKey("contracts.Agreement", on_delete=models.PROTECT, related_name="invoices")
    # The tax authority's invoice number, set when finance issues it.
    number = models.CharField(_("invoice number"), max_length=40, null=True, blank=True, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.NORMAL)
    amount = MoneyField(_("amount incl. tax"))
    tax_rate = models.DecimalField(_("tax rate %"), default=13, **RATE)
    tax = MoneyField(_("tax"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    # A request sent twice (a retry, an API call with the same Idempotency-Key) is one invoice.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(tax__gte=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=~Q(status="issued")
                                   | (Q(number__isnull=False) & Q(issued_on__isnull=False)),
                                   name="issued_invoice_has_number_and_date"),
        ]
        indexes = [models.Index(fields=["issued_on", "agreement"], name="invoice_issued_idx")]

    def __str__(self):
        return self.number or f"{self.agreement} {self.amount}"


class InstalmentReminder(models.Model):
    """One overdue reminder sent to the owner for an instalment on a day: the job's memory, so that it reminds
    once per instalment per day however often (and on however many hosts) it runs."""

    instalment = models.ForeignKey(Instalment, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instalment", "sent_on"], name="instalment_reminder_once_a_day")]

    def __str__(self):
        return f"{self.instalment_id} {self.sent_on}"
