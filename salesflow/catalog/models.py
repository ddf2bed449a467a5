"""The product catalogue: products with a code, series, category, unit, tax rate, cost and list price; price lists;
and the largest discount each role may give without approval.

Below pipeline and contracts (both use it); imports only core (and org's role names)."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesflow.core.audit import AuditedModel
from salesflow.core.concurrency import VersionedModel
from salesflow.core.money import MoneyField
from salesflow.org.models import Role

RATE = {"max_digits": 5, "decimal_places": 2}  # a percentage 0–100
DEFAULT_TAX_RATE = Decimal(13)  # the usual VAT rate on goods in China


class Product(AuditedModel, VersionedModel):
    code = models.CharField(_("product code"), max_length=40, unique=True)
    name = models.CharField(_("product name"), max_length=120)
    series = models.CharField(_("series"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    list_price = MoneyField(_("list price"), default=0)
    tax_rate = models.DecimalField(_("tax rate %"), default=DEFAULT_TAX_RATE, **RATE)
    cost = MoneyField(_("unit cost"), default=0)  # for gross margin
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(list_price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="product_cost_not_negative"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100),
                                   name="product_tax_rate_range"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def gross_margin(self):
        """List price minus cost, as a percentage of the list price (None without a price)."""
        if not self.list_price:
            return None
        return ((self.list_price - self.cost) / self.list_price * 100).quantize(Decimal("0.1"))


class PriceListQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(Q(active=True), Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class PriceList(AuditedModel, VersionedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = PriceListQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                              | Q(valid_to__gte=models.F("valid_from")),
                                              name="price_list_valid_to_after_from")]

    def __str__(self):
        return self.name

    def prices(self) -> dict[int, Decimal]:
        """Product id → price on this list."""
        return dict(self.items.values_list("product_id", "price"))


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    price = MoneyField(_("price"))

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ["product__code"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique_product"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_list_item_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.price_list}: {self.product_id} {self.price}"


def price_for(product: Product, price_list: PriceList | None = None) -> Decimal:
    """The product's price on ``price_list`` when it is listed there, else its list price."""
    if price_list is not None:
        price = price_list.items.filter(product=product).values_list("price", flat=True).first()
        if price is not None:
            return price
    return product.list_price


class RoleDiscountLimit(AuditedModel):
    """The largest line discount (%) a role may give; a larger one needs approval before the quotation is sent."""

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, unique=True)
    max_discount = models.DecimalField(_("maximum discount %"), **RATE)

    DEFAULTS = {Role.REP: 10, Role.MANAGER: 20, Role.DIRECTOR: 30, Role.ADMIN: 100}  # seeded by migration 0002

    class Meta:
        verbose_name = _("role discount limit")
        verbose_name_plural = _("role discount limits")
        ordering = ["max_discount", "role"]
        constraints = [models.CheckConstraint(condition=Q(max_discount__gte=0) & Q(max_discount__lte=100),
                                              name="role_discount_limit_range")]

    def __str__(self):
        return f"{self.role}: {self.max_discount}%"

    @classmethod
    def max_for(cls, user) -> Decimal:
        """The user's limit: a superuser's is 100; a role without a row gets its default (0 if none)."""
        if user.is_superuser:
            return Decimal(100)
        limit = cls.objects.filter(role=user.role).values_list("max_discount", flat=True).first()
        return Decimal(cls.DEFAULTS.get(user.role, 0) if limit is None else limit)
