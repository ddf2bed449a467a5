"""``salesflow import contracts FILE``: contracts and orders, matched by their number.

A new number creates the agreement through ``create_agreement`` (numbering, team and region from the owner,
credit check, and — as the file carries no plan — one instalment of the full amount due on the signing date plus
the payment terms); a number that exists updates that agreement through ``update_agreement`` (its version
check and approval rules) and, if the status column differs, ``change_status``. An unchanged row writes nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, cached, register
from salesflow.customers.imports import Problems, find_user, owner_name
from salesflow.customers.models import Customer
from salesflow.org import access
from salesflow.org.models import Role

from ..models import Agreement
from .cells import find_agreement, parse_choice, parse_date, parse_int, parse_money, require

COLUMNS = [
    Column("number", "合同编号", "number", hint=gettext_lazy(
        "Matches an existing contract or order on re-import (it is updated, not duplicated); leave it empty to "
        "have a number given by the numbering rule.")),
    Column("kind", "类型", "kind", required=True, aliases=("类型(合同|订单)",),
           hint=gettext_lazy("contract or order (合同 / 订单).")),
    Column("customer", "客户", "customer", required=True, aliases=("客户名称",),
           hint=gettext_lazy("The customer's name or unified social credit code.")),
    Column("owner", "负责人", "owner", hint=gettext_lazy("Login name (or display name); empty: you.")),
    Column("signed_on", "签订日期", "signed_on", required=True, hint=gettext_lazy("YYYY-MM-DD")),
    Column("start_on", "开始日期", "start_on", hint=gettext_lazy("YYYY-MM-DD")),
    Column("end_on", "结束日期", "end_on", hint=gettext_lazy("YYYY-MM-DD")),
    Column("amount", "金额", "amount", required=True, aliases=("合同金额",),
           hint=gettext_lazy("In yuan, at most two decimal places.")),
    Column("currency", "币种", "currency", hint=gettext_lazy("Three letters, e.g. CNY (the default).")),
    Column("status", "状态", "status", hint=gettext_lazy(
        "draft, pending, active, completed or terminated (草稿 / 审批中 / 生效 / 已完成 / 已终止); empty: draft.")),
    Column("payment_terms", "付款期限(天)", "payment_terms", aliases=("付款期限", "账期(天)", "账期"),
           hint=gettext_lazy("Days from signing until payment is due, e.g. 30 (the default).")),
]
KIND_SYNONYMS = {"合同": Agreement.Kind.CONTRACT, "订单": Agreement.Kind.ORDER}
STATUS_SYNONYMS = {"草稿": "draft", "审批中": "pending", "待审批": "pending", "生效": "active", "执行中": "active",
                   "已生效": "active", "完成": "completed", "已完成": "completed", "终止": "terminated",
                   "已终止": "terminated"}
COMPARED = ("kind", "customer", "owner", "signed_on", "start_on", "end_on", "amount", "currency",
            "payment_terms_days")  # what a re-import may change (an unchanged row writes nothing)


SIGNED_HISTORY = (Agreement.Status.ACTIVE, Agreement.Status.COMPLETED, Agreement.Status.TERMINATED)


def may_import_signed_history(actor) -> bool:
    """A new contract recorded as already active, completed or terminated skips approval: only the system (the
    command line without --user) and administrators import such history."""
    return actor is None or actor.is_superuser or actor.role == Role.ADMIN


@dataclass
class ContractRow:
    agreement: Agreement | None  # the matched agreement; None for a new one
    data: dict  # the fields for create_agreement, or the changed fields for update_agreement
    status: str | None
    number: str | None
    changes: dict = field(default_factory=dict)


def find_customer(raw: str, actor) -> Customer | None:
    """A customer the actor may see, by exact name or by unified social credit code."""
    def load(text):
        customers = Customer.objects.seen_by(actor)
        return (customers.filter(name=text).first()
                or customers.filter(credit_code=text.upper()).exclude(credit_code="").first())
    return cached("o2c-customer", raw, load)


def _check_owner(values, actor, agreement, problems) -> object:
    owner = None
    if values.get("owner"):
        owner = find_user(values["owner"])
        if owner is None:
            problems.add("owner", _("No active user called “%(name)s”.") % {"name": values["owner"]})
            return None
    elif agreement is not None:
        return agreement.owner
    else:
        owner = actor
        if owner is None:
            problems.add("owner", _("This value is required."))
            return None
    if actor is not None and owner != actor and (agreement is None or owner != agreement.owner) \
            and not access.oversees(actor, owner):
        problems.add("owner", _("You can only give contracts to yourself or to people in your own team or its "
                                "sub-teams."))
    return owner


def _changes(agreement: Agreement, data: dict) -> dict:
    def current(name):
        return getattr(agreement, f"{name}_id") if name in ("customer", "owner") else getattr(agreement, name)

    def wanted(name):
        value = data[name]
        return value.pk if name in ("customer", "owner") else value

    return {name: data[name] for name in COMPARED if data.get(name) is not None and current(name) != wanted(name)}


def _check_update(agreement: Agreement, changes: dict, status: str | None, problems: Problems) -> None:
    """The rules of ``update_agreement`` and ``change_status``, asked before anything is written."""
    from ..agreements.services import MANUAL_TRANSITIONS, MATERIAL_FIELDS

    current = Agreement.Status(agreement.status)
    if changes and current in (Agreement.Status.COMPLETED, Agreement.Status.TERMINATED):
        problems.add("status", _("The contract %(number)s is %(status)s: it cannot be changed any more.")
                     % {"number": agreement.number, "status": current.label})
    elif current in (Agreement.Status.PENDING, Agreement.Status.ACTIVE):
        for name in changes:
            if name in MATERIAL_FIELDS:
                problems.add("payment_terms" if name == "payment_terms_days" else name, _(
                    "The contract %(number)s is %(status)s: this change needs a new approval; revise the contract "
                    "on its page instead.") % {"number": agreement.number, "status": current.label})
    if status and status != current and status not in MANUAL_TRANSITIONS[current]:
        problems.add("status", _("A contract that is %(from)s cannot be set to %(to)s by an import.")
                     % {"from": current.label, "to": Agreement.Status(status).label})


def prepare_contract(values: dict, actor, key):
    from ..agreements.services import may_create

    problems = Problems()
    number = values.get("number") or None
    agreement = find_agreement(number) if number else None
    if agreement is not None and actor is not None and not access.can_change(actor, agreement):
        raise ValidationError({"number": _("This row matches the contract %(number)s, which you may not change; "
                                           "ask its owner %(owner)s.")
                               % {"number": number, "owner": owner_name(agreement.owner)}})
    if agreement is None and actor is not None and not may_create(actor):
        raise ValidationError({"number": _("Your role cannot create contracts or orders.")})
    data = {
        "kind": parse_choice(values, "kind", problems, Agreement.Kind.choices, KIND_SYNONYMS),
        "signed_on": parse_date(values, "signed_on", problems),
        "start_on": parse_date(values, "start_on", problems),
        "end_on": parse_date(values, "end_on", problems),
        "amount": parse_money(values, "amount", problems, positive=False),
        "currency": (values.get("currency") or (agreement.currency if agreement is not None else "CNY")).upper(),
        "payment_terms_days": parse_int(values, "payment_terms", problems),
    }
    if values.get("customer"):
        data["customer"] = find_customer(values["customer"], actor)
        if data["customer"] is None:
            problems.add("customer", _("No customer called “%(name)s” (or with that credit code) that you may see.")
                         % {"name": values["customer"]})
    require(values, ("kind", "customer", "signed_on", "amount"), problems)
    data["owner"] = _check_owner(values, actor, agreement, problems)
    if len(data["currency"]) != 3 or not data["currency"].isalpha():
        problems.add("currency", _("A currency is three letters, e.g. CNY."))
    if data["start_on"] and data["end_on"] and data["end_on"] < data["start_on"]:
        problems.add("end_on", _("The end date is before the start date."))
    status = parse_choice(values, "status", problems, Agreement.Status.choices, STATUS_SYNONYMS)
    if agreement is not None and data["amount"] is not None and data["amount"] < agreement.collected_amount:
        problems.add("amount", _("The amount is below what was already collected (%(collected)s).")
                     % {"collected": agreement.collected_amount})
    if agreement is None and status in SIGNED_HISTORY and not may_import_signed_history(actor):
        problems.add("status", _("Only an administrator imports contracts that are already %(status)s (they skip "
                                 "approval); leave the status empty for a draft, or write pending to submit it for "
                                 "approval.") % {"status": Agreement.Status(status).label})
    if agreement is None:
        problems.raise_if_any()
        if data["payment_terms_days"] is None:
            del data["payment_terms_days"]  # the model's default (30 days)
        return ContractRow(None, data, status, number), True
    changes = _changes(agreement, data)
    status = status if status != agreement.status else None
    _check_update(agreement, changes, status, problems)
    problems.raise_if_any()
    return ContractRow(agreement, data, status, number, changes), False


def save_contract(row: ContractRow, values, actor):
    from ..agreements import services

    if row.agreement is None:
        data = {name: value for name, value in row.data.items() if value is not None}
        if row.status:  # signed history (active, completed…) is recorded in its status; pending is submitted
            data["status"] = row.status
        return services.create_agreement(actor=actor, data=data, number=row.number)
    if not row.changes and not row.status:
        return row.agreement  # unchanged: nothing to write
    agreement = Agreement.objects.get(pk=row.agreement.pk)  # fresh version: earlier rows may have changed it
    if row.changes:
        agreement = services.update_agreement(agreement, actor=actor, data=row.changes, version=agreement.version)
    if row.status:
        services.change_status(agreement, row.status, actor=actor, note=_("import"))
    return agreement


register(Importer(
    name="contracts", label=gettext_lazy("Contracts and orders"), columns=COLUMNS,
    keys={"number": gettext_lazy("Contract number")}, default_key="number",
    prepare=prepare_contract, save=save_contract,
))
