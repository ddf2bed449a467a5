from salesflow.pipeline import services
from salesflow.pipeline.models import Opportunity, Pipeline
from salesflow.testing.factories import make_customer


def open_opp(owner, subject="看板商机"):
    return services.open_opportunity(actor=owner, customer=make_customer(owner), subject=subject, amount=1000)


def test_kanban_shows_only_visible_cards(org, client_for):
    mine = open_opp(org.rep_a, "我的看板商机")
    open_opp(org.rep_b, "别人的看板商机")
    page = client_for(org.rep_a).get("/opportunities/kanban/").content.decode()
    assert "我的看板商机" in page and "别人的看板商机" not in page
    assert f'data-testid="card-{mine.pk}"' in page
    first = Pipeline.default().stages.get(order=1)
    assert f'data-stage="{first.pk}" aria-label="{first.name}"' in page


def test_kanban_move_refused_by_exit_criteria_shows_message_and_keeps_stage(org, client_for):
    opp = open_opp(org.rep_a)
    second = Pipeline.default().stages.get(order=2)
    response = client_for(org.rep_a).post(
        f"/opportunities/{opp.pk}/move/", {"stage": second.pk, "version": opp.version,
                                           "next": "/opportunities/kanban/"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "确认客户基本需求" in response.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage.order == 1


def test_two_moves_of_the_same_card_with_one_version_lose_no_update(org, client_for):
    opp = open_opp(org.rep_a)
    stages = list(Pipeline.default().stages.order_by("order"))
    client = client_for(org.manager_east)
    body = {"version": opp.version, "next": "/opportunities/kanban/", "override_reason": "加急"}
    client.post(f"/opportunities/{opp.pk}/move/", {**body, "stage": stages[1].pk}, HTTP_HX_REQUEST="true")
    response = client.post(f"/opportunities/{opp.pk}/move/", {**body, "stage": stages[3].pk}, HTTP_HX_REQUEST="true")
    assert "已被他人修改" in response.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage == stages[1]


def test_kanban_query_count_is_per_stage_not_per_card(org, client_for, django_assert_max_num_queries):
    for i in range(12):
        open_opp(org.rep_a, f"商机{i}")
    client = client_for(org.rep_a)
    client.get("/opportunities/kanban/")  # the first request also writes the session
    with django_assert_max_num_queries(16):
        assert client.get("/opportunities/kanban/").status_code == 200
