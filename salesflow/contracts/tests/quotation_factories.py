"""Factories for quotation tests: an opportunity with a customer, products, and a quotation made by the service."""

import itertools
from decimal import Decimal

from salesflow.catalog.models import Product
from salesflow.contracts.quotations import services
from salesflow.pipeline.services import open_opportunity
from salesflow.testing.factories import make_customer

_seq = itertools.count(1)


def make_product(**extra) -> Product:
    n = next(_seq)
    extra.setdefault("code", f"Q-{n}")
    extra.setdefault("name", f"产品{n}")
    extra.setdefault("list_price", Decimal("1000"))
    extra.setdefault("unit", "台")
    return Product.objects.create(**extra)


def make_opportunity(owner, **extra):
    return open_opportunity(actor=owner, customer=make_customer(owner), subject=extra.pop("subject", "报价商机"),
                            amount=Decimal(1000), **extra)


def make_quotation(owner, opportunity=None, lines=None, **extra):
    opportunity = opportunity or make_opportunity(owner)
    lines = lines or [{"product": make_product(), "quantity": Decimal(2), "discount_rate": Decimal(5)}]
    return services.create_quotation(actor=owner, opportunity=opportunity, lines=lines, **extra)
