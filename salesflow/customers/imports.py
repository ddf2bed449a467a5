"""Customer and contact importers (XLSX/CSV) and the customer export they read back.

Rows are written through the same services as the forms and the API: a new customer through
``create_customer`` (claim limit, ownership history), an owner change through ``assign_customer`` (assignment
rules, claim limit, history). Every row is checked against the actor's rights on the record it matches.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, cached, is_writing, register
from salesflow.org import access
from salesflow.org.models import Region, Role, User

from . import services
from .models import Contact, Customer

CUSTOMER_COLUMNS = [
    Column("id", "编号", "ID", in_template=False),
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
    Column("created_at", "创建时间", "Created", in_template=False),  # exported; ignored on import
]
TEXT_FIELDS = ("name", "credit_code", "industry", "address", "phone", "email", "website", "source", "external_id",
               "notes")
CHOICE_FIELDS = ("size", "customer_class", "lifecycle_stage")


class Problems(dict):
    """Every problem of one row, by field; raised as one ValidationError."""

    def add(self, name: str, message) -> None:
        self.setdefault(name, []).extend([message] if isinstance(message, str) else message)

    def add_error(self, exc: ValidationError) -> None:
        for name, messages in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
            for message in messages:
                if message not in self.get(name, []):
                    self.add(name, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def choice(model_field, raw: str, name: str, problems: Problems):
    """Accept a choice by value or by its label in either language ('A', 'mature', '成熟期')."""
    if not raw:
        return None
    for value, label in model_field.choices:
        if raw.lower() in {str(value).lower(), str(label).lower()}:
            return value
    problems.add(name, _("“%(value)s” is not one of the allowed values.") % {"value": raw})
    return None


def find_user(raw: str) -> User | None:
    """An active user by login name, or by display name when exactly one user has it (as our exports write)."""
    def load(name):
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            matches = list(User.objects.filter(display_name=name, is_active=True)[:2])
            user = matches[0] if len(matches) == 1 else None
        return user
    return cached("user", raw, load)


def find_region(raw: str) -> Region | None:
    return cached("region", raw, lambda name: Region.objects.filter(name=name).first())


def refused_owner(actor, owner) -> str | None:
    """Why ``actor`` may not give a customer to ``owner`` (the assignment rule of the assign route), or None."""
    if actor is None or owner == actor:
        return None
    try:
        services._require_can_assign_to(actor, owner)
    except (PermissionDenied, ValidationError) as exc:
        return " ".join(getattr(exc, "messages", None) or [str(exc)])
    return None


def owner_name(user) -> str:
    return str(user) if user is not None else _("nobody")


@dataclass
class CustomerRow:
    customer: Customer | None  # the matched customer (fields already applied), None for a new one
    fields: dict
    owner: User | None  # new owner; None: unchanged (existing) or the actor (new)
    candidate: Customer | None = None  # a new customer, checked, not saved


class _NoOwner:
    def __str__(self):
        return _("nobody")


def find_duplicate(name: str, credit_code: str):
    """The owner of an existing customer that is the same company (``services.find_duplicate_customers``'s rule),
    ``_NoOwner()`` for a pool customer, None if there is none. Within an import the names are indexed once."""
    if credit_code:
        for match in services.find_duplicate_customers(credit_code=credit_code):
            return match.owner or _NoOwner()
    core = services.normalise_company(name)
    if len(core) < 2:
        return None

    def load(_):
        index = {}
        for customer_name, owner_id in Customer.objects.values_list("name", "owner_id").iterator(chunk_size=5000):
            index.setdefault(services.normalise_company(customer_name), owner_id)
        return index
    index = cached("customer-names", "", load)
    if core not in index:
        return None
    owner_id = index[core]
    return (cached("user-id", owner_id, lambda pk: User.objects.filter(pk=pk).first()) if owner_id else None) \
        or _NoOwner()


def check_customer(customer: Customer, problems: Problems) -> None:
    """The model's validation; its uniqueness constraints as two indexed look-ups (Django's constraint checks build
    several queries per row, too slow for 100,000 rows). The database constraints still hold at write time."""
    try:
        if is_writing():  # field checks of an unchanged row passed when the file was checked; normalise again
            customer.clean()
        else:  # owner, team and region were looked up by the importer: no query per row to re-check they exist
            customer.full_clean(exclude=["tags", "owner", "team", "region"], validate_constraints=False)
    except ValidationError as exc:
        problems.add_error(exc)
    if customer.credit_limit is not None and customer.credit_limit < 0:
        problems.add("credit_limit", _("Must not be negative."))
    if customer.external_id:
        taken = cached("customer-external-ids", "", lambda _: dict(
            Customer.objects.exclude(external_id="").values_list("external_id", "pk").iterator(chunk_size=5000)))
        if taken.get(customer.external_id, customer.pk) != customer.pk:
            problems.add("external_id", _("Another customer has this external ID."))


def _match(values, key, problems):
    raw = values.get(key, "")
    if key == "id":
        if not raw.isdigit():
            problems.add("id", _("“%(value)s” is not an ID.") % {"value": raw})
            return None
        customer = Customer.objects.filter(pk=int(raw)).select_related("owner").first()
        if customer is None:
            problems.add("id", _("No customer has the ID %(id)s.") % {"id": raw})
        return customer
    lookup = raw.upper() if key == "credit_code" else raw
    return Customer.objects.filter(**{key: lookup}).select_related("owner").first()


def prepare_customer(values: dict, actor, key):
    problems = Problems()
    customer = _match(values, key, problems) if key and values.get(key) else None
    if customer is not None and actor is not None and not access.can_change(actor, customer):
        raise ValidationError(_("This row matches a customer you may not change; ask its owner %(owner)s.")
                              % {"owner": owner_name(customer.owner)})
    fields = {name: values[name] for name in TEXT_FIELDS if values.get(name)}
    for name in CHOICE_FIELDS:
        value = choice(Customer._meta.get_field(name), values.get(name, ""), name, problems)
        if value:
            fields[name] = value
    if values.get("region"):
        fields["region"] = find_region(values["region"])
        if fields["region"] is None:
            problems.add("region", _("No region called “%(name)s”.") % {"name": values["region"]})
            del fields["region"]
    if values.get("credit_limit"):
        try:
            fields["credit_limit"] = Decimal(values["credit_limit"].replace(",", ""))
        except InvalidOperation:
            problems.add("credit_limit", _("Not a number."))
    owner = None
    if values.get("owner"):
        owner = find_user(values["owner"])
        if owner is None:
            problems.add("owner", _("No active user called “%(name)s”.") % {"name": values["owner"]})
        elif customer is None or owner != customer.owner:
            reason = refused_owner(actor, owner)
            if reason:
                problems.add("owner", reason)
    if customer is None:
        duplicate = find_duplicate(values.get("name", ""), values.get("credit_code", ""))
        if duplicate:
            problems.add("name", _("A customer like “%(name)s” already exists (owner: %(owner)s); match by a key "
                                   "to update it.") % {"name": values.get("name", ""), "owner": owner_name(duplicate)})
        new_owner = owner or actor
        candidate = Customer(owner=new_owner, team_id=new_owner.team_id if new_owner else None, **fields)
        check_customer(candidate, problems)
        if new_owner is not None and new_owner.role == Role.REP and not problems:  # only reps have a limit
            try:
                services._check_limit(new_owner)
            except ValidationError as exc:
                problems.add("owner", exc.messages)
        customer_row = CustomerRow(None, fields, owner)
        customer_row.candidate = candidate
        problems.raise_if_any()
        return customer_row, True
    for name, value in fields.items():
        setattr(customer, name, value)
    check_customer(customer, problems)
    problems.raise_if_any()
    return CustomerRow(customer, fields, owner), customer is None


def save_new_customers(rows: list[CustomerRow], actor):
    services.create_customers(actor=actor, customers=[row.candidate for row in rows], reason=_("import"))


def save_customer(row: CustomerRow, values, actor):
    if row.customer is None:
        owner = row.owner or actor
        return services.create_customer(actor=actor, owner=owner, **row.fields)
    customer = row.customer
    customer.save()
    if row.owner is not None and row.owner != customer.owner:
        if actor is None:  # the command line acts as the system: the rules of the assign route do not apply
            previous = customer.owner
            services._set_owner(customer, row.owner)
            services._log(customer, "transfer", actor=None, from_owner=previous, to_owner=row.owner,
                          reason=_("import"))
        else:
            services.assign_customer(actor=actor, customer=customer, owner=row.owner, reason=_("import"))
    return customer


def export_customers(customers):
    """Headers and rows of a customer export that the importer reads back (labels, display names, local time)."""
    headers = [c.zh for c in CUSTOMER_COLUMNS]
    labels = {name: dict(Customer._meta.get_field(name).flatchoices) for name in CHOICE_FIELDS}

    def rows():
        for c in customers.select_related("owner", "region").iterator(chunk_size=2000):
            yield [c.pk, c.name, c.credit_code, c.industry, str(labels["size"].get(c.size, c.size)),
                   c.region.name if c.region_id else "", c.address, c.phone, c.email, c.website, c.source,
                   str(labels["customer_class"].get(c.customer_class, c.customer_class)),
                   str(labels["lifecycle_stage"].get(c.lifecycle_stage, c.lifecycle_stage)),
                   c.credit_limit, c.owner.display_name or c.owner.username if c.owner_id else "", c.external_id,
                   c.notes, timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M")]
    return headers, rows()


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
    problems = Problems()
    customer = Customer.objects.filter(name=values["customer"]).first() or Customer.objects.filter(
        credit_code=values["customer"].upper()).first()
    if customer is None:
        raise ValidationError({"customer": _("No customer called “%(name)s”.") % {"name": values["customer"]}})
    if actor is not None and not access.can_change(actor, customer):
        raise ValidationError({"customer": _("You may not change the customer “%(name)s”; ask its owner %(owner)s.")
                               % {"name": customer, "owner": owner_name(customer.owner)}})
    contact = None
    if key and values.get(key):
        contact = Contact.objects.filter(customer=customer, **{key: values[key]}).first()
    created = contact is None
    contact = contact or Contact(customer=customer)
    for name in ("name", "title", "phone", "email", "wechat", "notes"):
        if values.get(name):
            setattr(contact, name, values[name])
    role = choice(Contact._meta.get_field("decision_role"), values.get("decision_role", ""), "decision_role",
                  problems)
    if role:
        contact.decision_role = role
    try:
        contact.full_clean()
    except ValidationError as exc:
        problems.add_error(exc)
    problems.raise_if_any()
    return contact, created


register(Importer(
    name="customers", label=gettext_lazy("Customers"), columns=CUSTOMER_COLUMNS,
    keys={"id": gettext_lazy("ID (from an export)"), "credit_code": gettext_lazy("Unified social credit code"),
          "phone": gettext_lazy("Phone"), "email": gettext_lazy("Email"),
          "external_id": gettext_lazy("External ID")},
    prepare=prepare_customer, save=save_customer, save_new=save_new_customers,
    unique_in_file=("name", "credit_code", "external_id"),
))
register(Importer(
    name="contacts", label=gettext_lazy("Contacts"), columns=CONTACT_COLUMNS,
    keys={"phone": gettext_lazy("Phone"), "email": gettext_lazy("Email")},
    prepare=prepare_contact, save=lambda contact, values, actor: contact.save(),
    key_of=lambda values, key: f"{values.get('customer')}|{values[key]}" if values.get(key) else None,
))
