"""``salesflow import invoices FILE``: issued invoices (开票), matched by their number.

A new number is requested and issued through ``request_invoice`` and ``issue_invoice`` (the invoiced total
never exceeds the agreement's amount; only those who may issue invoices may import them); a number that exists
updates that invoice through ``amend_invoice``, and an unchanged row writes nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import Column, Importer, cached, is_writing, register
from salesflow.core.money import format_money
from salesflow.customers.imports import Problems, owner_name

from ..models import Agreement, Invoice
from ..receivables import services
from .cells import find_agreement, parse_choice, parse_date, parse_money, parse_rate, require, running_total

COLUMNS = [
    Column("contract_number", "合同编号", "contract_number", required=True,
           hint=gettext_lazy("The number of the contract or order invoiced.")),
    Column("number", "发票号码", "number", required=True, hint=gettext_lazy(
        "The tax authority's invoice number; matches an existing invoice on re-import (it is updated).")),
    Column("type", "发票类型", "type", aliases=("类型", "发票类型(专票|普票)"), hint=gettext_lazy(
        "special or normal (专票 / 普票, 增值税专用发票 / 普通发票); empty: normal.")),
    Column("amount", "金额", "amount", required=True, aliases=("开票金额", "价税合计"),
           hint=gettext_lazy("In yuan including tax, greater than zero.")),
    Column("tax_rate", "税率", "tax_rate",
           hint=gettext_lazy("In per cent: 13 (or 0.13, read as 13 per cent); empty: 13.")),
    Column("issued_on", "开票日期", "issued_on", required=True, hint=gettext_lazy("YYYY-MM-DD")),
]
TYPE_SYNONYMS = {"专票": "special", "增值税专用发票": "special", "专用发票": "special", "普票": "normal",
                 "普通发票": "normal", "增值税普通发票": "normal"}


@dataclass
class InvoiceRow:
    agreement: Agreement
    invoice: Invoice | None  # the matched invoice; None for a new one
    data: dict
    changes: dict = field(default_factory=dict)


def prepare_invoice(values: dict, actor, key):
    problems = Problems()
    contract_number = values.get("contract_number", "")
    agreement = find_agreement(contract_number) if contract_number else None
    if contract_number and agreement is None:
        problems.add("contract_number", _("No contract or order numbered “%(number)s”.")
                     % {"number": contract_number})
    elif agreement is not None and actor is not None and not services.can_issue_invoice(actor, agreement):
        raise ValidationError({"contract_number": _(
            "Only finance imports invoices (they are issued invoices); ask finance to import them for "
            "%(number)s (owner: %(owner)s).") % {"number": contract_number, "owner": owner_name(agreement.owner)}})
    elif agreement is not None and agreement.status not in services.INVOICEABLE:
        problems.add("contract_number", _("Invoices can be requested only on an active or completed agreement "
                                          "(this one is %(status)s).") % {"status": agreement.get_status_display()})
    number = values.get("number", "")
    invoice = cached("invoice", number, lambda n: Invoice.objects.filter(number=n).first()) if number else None
    data = {
        "type": parse_choice(values, "type", problems, Invoice.Type.choices, TYPE_SYNONYMS),
        "amount": parse_money(values, "amount", problems),
        "tax_rate": parse_rate(values, "tax_rate", problems),
        "issued_on": parse_date(values, "issued_on", problems),
    }
    require(values, ("contract_number", "number", "amount", "issued_on"), problems)
    # empty type or tax rate: unchanged on an existing invoice, the defaults (normal, 13 %) on a new one
    data["type"] = data["type"] or (invoice.type if invoice is not None else Invoice.Type.NORMAL)
    if data["tax_rate"] is None:
        data["tax_rate"] = invoice.tax_rate if invoice is not None else Decimal("13.00")
    if len(number) > 40:
        problems.add("number", _("At most 40 characters."))
    if invoice is not None and agreement is not None and invoice.agreement_id != agreement.pk:
        problems.add("number", _("The invoice %(number)s belongs to another contract.") % {"number": number})
    if invoice is not None and invoice.status == Invoice.Status.VOID:
        problems.add("number", _("The invoice %(number)s is void; it cannot be imported again.")
                     % {"number": number})
    problems.raise_if_any()
    if invoice is not None:
        changes = {name: value for name, value in data.items() if getattr(invoice, name) != value}
        added = data["amount"] - invoice.amount
    else:
        changes, added = data, data["amount"]
    if not is_writing() and added > 0:  # while writing the service checks the cap itself
        earlier = running_total("o2c-invoiced", agreement.pk)
        room = agreement.amount - agreement.invoiced_amount - earlier["sum"]
        if added > room:
            raise ValidationError({"amount": _(
                "The invoiced total would exceed the amount of %(number)s: %(room)s is left to invoice.")
                % {"number": contract_number, "room": format_money(room)}})
        earlier["sum"] += added
    return InvoiceRow(agreement, invoice, data, changes), invoice is None


def save_invoice(row: InvoiceRow, values, actor):
    if row.invoice is None:
        invoice = services.request_invoice(row.agreement, amount=row.data["amount"], type=row.data["type"],
                                           tax_rate=row.data["tax_rate"], actor=actor,
                                           idempotency_key=f"import-invoice-{values['number']}")
        return services.issue_invoice(invoice, number=values["number"], issued_on=row.data["issued_on"],
                                      actor=actor)
    if row.changes:
        return services.amend_invoice(row.invoice, actor=actor, **row.data)
    return row.invoice


register(Importer(
    name="invoices", label=gettext_lazy("Invoices"), columns=COLUMNS,
    keys={"number": gettext_lazy("Invoice number")}, default_key="number",
    prepare=prepare_invoice, save=save_invoice,
))
