"""Customers (客户): the accounts a company sells to. Owned records, guarded by org.access."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.org.access import OwnedQuerySet


class CustomerQuerySet(OwnedQuerySet):
    def in_pool(self):
        return self.filter(owner__isnull=True)

    def search(self, text: str):
        return self.filter(name__icontains=text) if text else self


class Customer(AuditedModel, VersionedModel):
    ACCESS_OWNER = "owner"
    ACCESS_TEAM = "team"

    name = models.CharField(_("customer name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="customers",
    )
    # The owner's team when the customer was assigned: team-scoped visibility filters on this column.
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_created_idx"),
            models.Index(fields=["team", "-created_at"], name="customer_team_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="customer_created_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.owner_id and not self.team_id:
            self.team_id = self.owner.team_id
        super().save(*args, **kwargs)
