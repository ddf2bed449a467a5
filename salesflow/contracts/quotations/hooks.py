"""A quotation's discount approval: when the approval goes through, the quotation may be sent."""

from salesflow.approvals import registry as approvals
from salesflow.contracts.models import Quotation

from .services import approve_discount

approvals.register(Quotation, on_approved=approve_discount)
