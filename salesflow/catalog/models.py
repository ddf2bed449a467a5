"""The product catalogue: products with a code, series, category and list price.

Below pipeline and contracts (both use it); imports only core."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField


class Product(AuditedModel, VersionedModel):
    code = models.CharField(_("product code"), max_length=40, unique=True)
    name = models.CharField(_("product name"), max_length=120)
    series = models.CharField(_("series"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    list_price = MoneyField(_("list price"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(list_price__gte=0), name="product_price_not_negative")]

    def __str__(self):
        return f"{self.name} ({self.code})"
