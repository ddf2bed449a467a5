import pytest

from salesflow.approvals import registry
from salesflow.customers.models import Customer
from salesflow.testing import factories


class Calls:
    def __init__(self):
        self.approved, self.rejected, self.withdrawn = [], [], []


@pytest.fixture
def hooks():
    """Customer registered as an approvable document; its hooks record their calls."""
    calls = Calls()
    registry.register(
        Customer,
        on_approved=lambda document, actor: calls.approved.append((document.pk, actor.pk)),
        on_rejected=lambda document, actor, comment: calls.rejected.append((document.pk, actor.pk, comment)),
        on_withdrawn=lambda document, actor: calls.withdrawn.append((document.pk, actor.pk)),
    )
    yield calls
    registry.unregister(Customer)


@pytest.fixture
def document(org, hooks):
    """A customer of rep_a (team East-1, whose manager is manager_east one level up)."""
    return factories.make_customer(owner=org.rep_a)
