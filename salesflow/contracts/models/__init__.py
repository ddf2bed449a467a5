"""Order to cash, split by concept: numbering, quotations, agreements (contracts and orders, their lines,
attachments, deliveries and milestones) and receivables (payment plans, payments, invoices)."""

from .agreements import Agreement, AgreementLine, AgreementStatusChange, Attachment, Delivery, DeliveryLine, Milestone
from .numbering import NumberingRule, NumberSequence
from .quotations import Quotation, QuotationLine
from .receivables import Instalment, InstalmentReminder, Invoice, Payment, PaymentAllocation
from .rollup import MonthlyMoney, rebuild_money_rollup

__all__ = [
    "Agreement", "AgreementLine", "AgreementStatusChange", "Attachment", "Delivery", "DeliveryLine", "Milestone",
    "NumberingRule", "NumberSequence", "Quotation", "QuotationLine", "Instalment", "InstalmentReminder", "Invoice",
    "Payment",
    "PaymentAllocation", "MonthlyMoney", "rebuild_money_rollup",
]
