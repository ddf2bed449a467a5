import json

import pytest
from django.test import Client

from salesflow.contracts.models import Quotation
from salesflow.contracts.quotations import services
from salesflow.org.models import ApiToken
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory

from .quotation_factories import make_opportunity, make_quotation


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_accepts_of_one_opportunitys_quotations_accept_exactly_one(org):
    opportunity = make_opportunity(org.rep_a)
    quotations = [services.send_quotation(make_quotation(org.rep_a, opportunity), actor=org.rep_a)
                  for _ in range(4)]
    _token, raw = ApiToken.issue(user=org.rep_a, name="race")

    def accept(quotation):
        response = Client(raise_request_exception=False).post(
            f"/api/v1/contracts/quotations/{quotation.pk}/accept", json.dumps({"version": quotation.version}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        return response.status_code

    codes = run_in_parallel(accept, [(q,) for q in quotations])
    assert sorted(codes) == [200, 422, 422, 422], codes
    assert Quotation.objects.filter(opportunity=opportunity, status="accepted").count() == 1
