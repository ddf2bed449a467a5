import json

import pytest
from django.test import Client

from salesflow.org.models import ApiToken
from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline
from salesflow.testing.factories import make_customer
from salesflow.testing.parallel import run_in_parallel, skip_on_sqlite_memory


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_stage_moves_with_the_same_version_one_wins_the_rest_get_409(org):
    customer = make_customer(org.rep_a, name="并发客户有限公司")
    opp = services.open_opportunity(actor=org.rep_a, customer=customer, subject="并发", amount=100)
    stages = list(Pipeline.default().stages.order_by("order"))
    _token, raw = ApiToken.issue(user=org.manager_east, name="race")

    def move(stage):
        response = Client().post(
            f"/api/v1/opportunities/{opp.pk}/move", json.dumps(
                {"version": opp.version, "stage_id": stage.pk, "override_reason": "并发"}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        return response.status_code

    codes = run_in_parallel(move, [(stages[1 + i % 3],) for i in range(6)])
    assert sorted(codes) == [200, 409, 409, 409, 409, 409], codes
    assert Opportunity.objects.get(pk=opp.pk).version == opp.version + 1


@skip_on_sqlite_memory()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_kanban_moves_with_the_same_version_never_fail(org):
    customer = make_customer(org.rep_a, name="看板客户有限公司")
    opp = services.open_opportunity(actor=org.rep_a, customer=customer, subject="看板", amount=100)
    stages = list(Pipeline.default().stages.order_by("order"))

    def move(stage):
        client = Client(raise_request_exception=False)
        client.force_login(org.manager_east)
        response = client.post(f"/opportunities/{opp.pk}/move/", {
            "version": opp.version, "stage": stage.pk, "override_reason": "并发", "next": "/opportunities/kanban/"},
            HTTP_HX_REQUEST="true")
        return response.status_code

    codes = run_in_parallel(move, [(stages[1 + i % 3],) for i in range(6)])
    assert codes == [200] * 6, codes  # the board re-renders with a message; never a 500
    changes = Opportunity.objects.get(pk=opp.pk).stage_changes.count()
    assert changes == 2  # the opening and exactly one move
