import pytest
from django.core.exceptions import ValidationError

from salesflow.customers import services
from salesflow.customers.models import Customer, PoolSettings
from salesflow.testing.factories import make_customer
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_claims_never_exceed_the_claim_limit(org):
    settings = PoolSettings.current()
    settings.max_customers_per_rep = 3
    settings.save()
    pool = [make_customer(None, name=f"公海{i}有限公司") for i in range(5)]

    def claim(customer):
        return services.claim_customer(actor=org.rep_a, customer=customer)

    results = run_in_parallel(claim, [(c,) for c in pool])
    owned = Customer.objects.filter(owner=org.rep_a).count()
    assert owned == 3, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 2, results


def test_sqlite_writes_begin_immediate():
    """On SQLite the claim's count-then-write is serialised by taking the write lock at BEGIN (not at first write)."""
    from salesflow.settings import database_from_url

    options = database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
