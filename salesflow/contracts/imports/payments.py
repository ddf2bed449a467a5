"""``salesflow import payments FILE``: payments received (回款), each recorded through ``record_payment``.

A payment is allocated to the agreement's instalments oldest due first (the service's rule). Re-importing a row
never counts it twice: its idempotency key is derived from the contract number, the date received, the amount
and the bank reference (:func:`payment_key`), the same key the service refuses to record twice. A row that would
take the collected total over the agreement's amount (together with the rows above it) is reported.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesflow.core.imports import LINE, Column, Importer, cached, is_writing, register
from salesflow.core.money import format_money
from salesflow.customers.imports import Problems, owner_name

from ..models import Agreement, Payment
from ..receivables import services
from .cells import find_agreement, parse_choice, parse_date, parse_money, require, running_total

COLUMNS = [
    Column("contract_number", "合同编号", "contract_number", required=True,
           hint=gettext_lazy("The number of the contract or order that was paid.")),
    Column("received_on", "回款日期", "received_on", required=True, hint=gettext_lazy("YYYY-MM-DD")),
    Column("amount", "金额", "amount", required=True, aliases=("回款金额",),
           hint=gettext_lazy("In yuan, greater than zero, at most two decimal places.")),
    Column("method", "方式", "method", aliases=("回款方式",), hint=gettext_lazy(
        "bank_transfer, acceptance_bill, cheque, cash or other (银行转账 / 承兑汇票 / 支票 / 现金 / 其他); "
        "empty: bank transfer.")),
    Column("reference", "流水号", "reference", aliases=("银行流水号",), hint=gettext_lazy(
        "The bank reference. Contract number, date, amount and reference identify the payment: the same four "
        "values imported again are not counted twice.")),
]
METHOD_SYNONYMS = {"银行转账": "bank_transfer", "转账": "bank_transfer", "电汇": "bank_transfer",
                   "承兑汇票": "acceptance_bill", "银行承兑汇票": "acceptance_bill", "承兑": "acceptance_bill",
                   "支票": "cheque", "现金": "cash", "其他": "other"}


def payment_key(contract_number: str, received_on, amount: Decimal, reference: str) -> str:
    """The idempotency key of an imported payment: ``import-`` and the SHA-256 (first 40 hex digits) of
    ``contract_number|YYYY-MM-DD|amount with two decimals|reference``."""
    text = f"{contract_number.strip()}|{received_on.isoformat()}|{amount:.2f}|{reference.strip()}"
    return "import-" + hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass
class PaymentRow:
    agreement: Agreement | None
    data: dict
    key: str


def prepare_payment(values: dict, actor, key):
    problems = Problems()
    number = values.get("contract_number", "")
    agreement = find_agreement(number) if number else None
    if number and agreement is None:
        problems.add("contract_number", _("No contract or order numbered “%(number)s”.") % {"number": number})
    elif agreement is not None and actor is not None and not services.can_record_payment(actor, agreement):
        raise ValidationError({"contract_number": _(
            "The contract %(number)s is not yours: you may not record payments on it; ask its owner %(owner)s or "
            "finance.") % {"number": number, "owner": owner_name(agreement.owner)}})
    data = {
        "received_on": parse_date(values, "received_on", problems),
        "amount": parse_money(values, "amount", problems),
        "method": parse_choice(values, "method", problems, Payment.Method.choices, METHOD_SYNONYMS)
        or Payment.Method.BANK_TRANSFER,
        "reference": values.get("reference", ""),
    }
    if agreement is not None and agreement.status not in services.PAYABLE:
        problems.add("contract_number", _("Payments can be recorded only on an active agreement (this one is "
                                          "%(status)s).") % {"status": agreement.get_status_display()})
    if len(data["reference"]) > 80:
        problems.add("reference", _("At most 80 characters."))
    require(values, ("contract_number", "received_on", "amount"), problems)
    problems.raise_if_any()
    idempotency_key = payment_key(number, data["received_on"], data["amount"], data["reference"])
    if Payment.objects.filter(idempotency_key=idempotency_key).exists():
        return PaymentRow(None, data, idempotency_key), False  # imported before: counted once
    if not is_writing():  # while writing, the rows above are in the database and the service checks again
        lines = cached("o2c-payment-lines", "", lambda _: {})
        if idempotency_key in lines:
            problems.add("reference", _("Same contract number, date, amount and reference as line %(line)s: it "
                                        "would be counted once. Give each payment its bank reference.")
                         % {"line": lines[idempotency_key]})
            problems.raise_if_any()
        lines[idempotency_key] = values.get(LINE, "?")
        earlier = running_total("o2c-collected", agreement.pk)
        outstanding = agreement.amount - agreement.collected_amount - earlier["sum"]
        if data["amount"] > outstanding:
            problems.add("amount", _("Over-collection: %(amount)s is more than the %(outstanding)s still "
                                     "outstanding on %(number)s.")
                         % {"amount": format_money(data["amount"]), "outstanding": format_money(outstanding),
                            "number": number})
            problems.raise_if_any()
        earlier["sum"] += data["amount"]
    return PaymentRow(agreement, data, idempotency_key), True


def save_payment(row: PaymentRow, values, actor):
    if row.agreement is None:
        return None  # imported before
    return services.record_payment(Agreement.objects.get(pk=row.agreement.pk), actor=actor,
                                   idempotency_key=row.key, **row.data)


register(Importer(
    name="payments", label=gettext_lazy("Payments received"), columns=COLUMNS,
    keys={"payment": gettext_lazy("Contract number, date, amount and reference")}, default_key="payment",
    key_of=lambda values, key: None,  # the derived key is checked in prepare_payment (after parsing)
    prepare=prepare_payment, save=save_payment,
))
