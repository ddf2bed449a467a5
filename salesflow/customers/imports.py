"""Customer and contact importers (XLSX/CSV), registered with the generic import framework."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, register
from salesflow.org import access
from salesflow.org.models import Region, User

from .models import Contact, Customer, OwnershipChange
from .services import find_duplicate_customers

CUSTOMER_COLUMNS = [
    Column("name", "客户名称", "Customer name", required=True),
    Column("credit_code", "统一社会信用代码", "Credit code"),
    Column("industry", "行业", "Industry"),
    Column("size", "规模", "Size"),
    Column("region", "区域", "Region"),
    Column("address", "地址", "Address"),
    Column("phone", "电话", "Phone"),
    Column("email", "邮箱", "Email"),
    Column("website", "网站", "Website"),
    Column("source", "来源", "Source"),
    Column("customer_class", "客户分类", "Class"),
    Column("lifecycle_stage", "生命周期阶段", "Lifecycle stage"),
    Column("credit_limit", "信用额度", "Credit limit"),
    Column("owner", "负责人", "Owner"),
    Column("external_id", "外部编号", "External ID"),
    Column("notes", "备注", "Notes"),
]


def _choice(model_field, raw: str, name: str):
    """Accept a choice by value or by its label in either language ('A', 'mature', '成熟期')."""
    if not raw:
        return None
    for value, label in model_field.choices:
        if raw.lower() in {str(value).lower(), str(label).lower()}:
            return value
    raise ValidationError({name: _("“%(value)s” is not one of the allowed values.") % {"value": raw}})


def _owner(raw: str, actor):
    if not raw:
        return actor
    owner = User.objects.filter(username=raw).first() or User.objects.filter(display_name=raw).first()
    if owner is None:
        raise ValidationError({"owner": _("No user called “%(name)s”.") % {"name": raw}})
    return owner


def prepare_customer(values: dict, actor, key):
    customer, created = None, True
    if key and values.get(key):
        lookup = {key: values[key].upper() if key == "credit_code" else values[key]}
        customer = Customer.objects.filter(**lookup).first()
        if customer is not None:
            created = False
            if actor is not None and not access.can_change(actor, customer):
                raise ValidationError(_("You may not change the existing customer “%(name)s”.") % {"name": customer})
    if customer is None:
        duplicates = find_duplicate_customers(name=values.get("name", ""), credit_code=values.get("credit_code", ""))
        if duplicates:
            raise ValidationError({"name": _("“%(name)s” already exists; match by a key to update it.")
                                   % {"name": duplicates[0].name}})
        customer = Customer(owner=_owner(values.get("owner", ""), actor))
    elif values.get("owner"):
        customer.owner = _owner(values["owner"], actor)
    for field in ("name", "credit_code", "industry", "address", "phone", "email", "website", "source", "external_id",
                  "notes"):
        if values.get(field):
            setattr(customer, field, values[field])
    for field in ("size", "customer_class", "lifecycle_stage"):
        value = _choice(Customer._meta.get_field(field), values.get(field, ""), field)
        if value:
            setattr(customer, field, value)
    if values.get("region"):
        region = Region.objects.filter(name=values["region"]).first()
        if region is None:
            raise ValidationError({"region": _("No region called “%(name)s”.") % {"name": values["region"]}})
        customer.region = region
    if values.get("credit_limit"):
        try:
            customer.credit_limit = Decimal(values["credit_limit"].replace(",", ""))
        except InvalidOperation:
            raise ValidationError({"credit_limit": _("Not a number.")}) from None
    customer.team_id = customer.owner.team_id if customer.owner_id else None
    customer.full_clean(exclude=["tags"] if created else None)
    return customer, created


def save_customer(customer, values, actor):
    created = customer.pk is None
    customer.save()
    if created:
        OwnershipChange.objects.create(customer=customer, action=OwnershipChange.Action.CREATE,
                                       to_owner=customer.owner, by=actor, reason=_("import"))


CONTACT_COLUMNS = [
    Column("customer", "客户名称", "Customer name", required=True),
    Column("name", "联系人姓名", "Contact name", required=True),
    Column("title", "职务", "Job title"),
    Column("decision_role", "决策角色", "Decision role"),
    Column("phone", "手机", "Phone"),
    Column("email", "邮箱", "Email"),
    Column("wechat", "微信", "WeChat"),
    Column("notes", "备注", "Notes"),
]


def prepare_contact(values: dict, actor, key):
    customer = Customer.objects.filter(name=values["customer"]).first() or Customer.objects.filter(
        credit_code=values["customer"].upper()).first()
    if customer is None:
        raise ValidationError({"customer": _("No customer called “%(name)s”.") % {"name": values["customer"]}})
    if actor is not None and not access.can_change(actor, customer):
        raise ValidationError({"customer": _("You may not change the customer “%(name)s”.") % {"name": customer}})
    contact = None
    if key and values.get(key):
        contact = Contact.objects.filter(customer=customer, **{key: values[key]}).first()
    created = contact is None
    contact = contact or Contact(customer=customer)
    for field in ("name", "title", "phone", "email", "wechat", "notes"):
        if values.get(field):
            setattr(contact, field, values[field])
    role = _choice(Contact._meta.get_field("decision_role"), values.get("decision_role", ""), "decision_role")
    if role:
        contact.decision_role = role
    contact.full_clean()
    return contact, created


register(Importer(
    name="customers", label=gettext_lazy("Customers"), columns=CUSTOMER_COLUMNS,
    keys={"credit_code": gettext_lazy("Unified social credit code"), "phone": gettext_lazy("Phone"),
          "email": gettext_lazy("Email"), "external_id": gettext_lazy("External ID")},
    prepare=prepare_customer, save=save_customer,
))
register(Importer(
    name="contacts", label=gettext_lazy("Contacts"), columns=CONTACT_COLUMNS,
    keys={"phone": gettext_lazy("Phone"), "email": gettext_lazy("Email")},
    prepare=prepare_contact, save=lambda contact, values, actor: contact.save(),
    key_of=lambda values, key: f"{values.get('customer')}|{values[key]}" if values.get(key) else None,
))
