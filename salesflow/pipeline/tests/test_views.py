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


def test_kanban_shows_twenty_cards_a_stage_and_links_the_rest_to_the_list(org, client_for):
    from django.core.cache import cache

    cache.clear()
    customer = make_customer(org.rep_a)
    for i in range(23):
        services.open_opportunity(actor=org.rep_a, customer=customer, subject=f"看板<卡片>{i}", amount=1000)
    first = Pipeline.default().stages.get(order=1)
    page = client_for(org.rep_a).get("/opportunities/kanban/").content.decode()
    assert page.count('class="card kanban-card') == 20
    assert "看板&lt;卡片&gt;0" in page and "看板<卡片>" not in page  # subjects are escaped
    assert f'data-testid="more-{first.pk}">列表中还有 3 个</a>' in page
    more = f"/opportunities/?status=tracking&amp;stage={first.pk}&amp;pipeline={first.pipeline_id}"
    assert f'href="{more}"' in page
    listed = client_for(org.rep_a).get(more.replace("&amp;", "&")).content.decode()
    assert listed.count("看板&lt;卡片&gt;") == 23
    assert page.count('class="move-form"') == 20  # each card still moves without JavaScript
    assert page.count('name="csrfmiddlewaretoken"') >= 20


def test_create_and_edit_an_opportunity_from_the_customer(org, client_for):
    customer = make_customer(org.rep_a)
    client = client_for(org.rep_a)
    assert "data-testid=\"new-opportunity\"" in client.get(f"/customers/{customer.pk}/").content.decode()
    response = client.post(f"/opportunities/new/?customer={customer.pk}", {
        "customer": customer.pk, "subject": "新商机", "amount": "5000", "expected_close_date": "2027-03-01",
        "type": "upsell", "priority": "high", "forecast_category": "commit", "category": "", "source": "",
        "next_step": ""})
    assert response.status_code == 302, response.content.decode()[:1500]
    opp = Opportunity.objects.get(subject="新商机")
    assert (opp.priority, opp.forecast_category, opp.amount) == ("high", "commit", 5000)
    stale = opp.version
    edit = {"subject": "新商机2", "amount": "6000", "expected_close_date": "2027-04-01", "type": "upsell",
            "priority": "high", "forecast_category": "commit", "category": "", "source": "", "next_step": "",
            "version": stale}
    assert client.post(f"/opportunities/{opp.pk}/edit/", edit).status_code == 302
    assert client.post(f"/opportunities/{opp.pk}/edit/", {**edit, "subject": "覆盖"}).status_code == 409
    opp.refresh_from_db()
    assert opp.subject == "新商机2" and opp.close_date_pushes == 1


def test_rep_cannot_open_an_opportunity_on_another_reps_customer(org, client_for):
    other = make_customer(org.rep_b)
    assert client_for(org.rep_a).get(f"/opportunities/new/?customer={other.pk}").status_code == 404


def test_api_move_enforces_exit_criteria_and_version(org, client_for):
    opp = open_opp(org.rep_a)
    stages = list(Pipeline.default().stages.order_by("order"))
    client = client_for(org.rep_a)
    refused = client.post(f"/api/v1/opportunities/{opp.pk}/move", {"version": 1, "stage_id": stages[1].pk},
                          content_type="application/json")
    assert refused.status_code == 422
    client.patch(f"/api/v1/opportunities/{opp.pk}", {"version": 1, "completed_actions": stages[0].key_actions},
                 content_type="application/json")
    stale = client.post(f"/api/v1/opportunities/{opp.pk}/move", {"version": 1, "stage_id": stages[1].pk},
                        content_type="application/json")
    assert stale.status_code == 409
    ok = client.post(f"/api/v1/opportunities/{opp.pk}/move", {"version": 2, "stage_id": stages[1].pk},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["stage_id"] == stages[1].pk
    assert client_for(org.rep_b).get(f"/api/v1/opportunities/{opp.pk}").status_code == 404
    assert client_for(org.rep_b).get("/api/v1/opportunities/").json()["count"] == 0


def test_distribution_page_counts_visible_only(org, client_for):
    open_opp(org.rep_a, "甲")
    open_opp(org.rep_b, "乙")
    page = client_for(org.rep_a).get("/opportunities/stats/").content.decode()
    assert "rep_a" in page and "rep_b" not in page.split("<main", 1)[1]


def test_line_items_set_the_amount_and_are_history(org, client_for):
    from salesflow.catalog.models import Product

    product = Product.objects.create(code="SRV", name="服务器", list_price=10000)
    opp = open_opp(org.rep_a)
    client = client_for(org.rep_a)
    data = {"lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0, "lines-0-product": product.pk,
            "lines-0-quantity": "3", "lines-0-unit_price": "9000", "lines-1-product": product.pk,
            "lines-1-quantity": "1", "lines-1-unit_price": "500"}
    assert client.post(f"/opportunities/{opp.pk}/lines/", data).status_code == 302
    opp.refresh_from_db()
    assert opp.amount == 27500 and opp.lines.count() == 2
    assert opp.changes.filter(field="amount", new_value="27500.00").exists()
    bad = {**data, "lines-0-quantity": "0"}
    client.post(f"/opportunities/{opp.pk}/lines/", bad)
    assert Opportunity.objects.get(pk=opp.pk).amount == 27500


def test_saved_view_for_opportunities(org, client_for):
    client = client_for(org.rep_a)
    response = client.post("/customers/views/", {"list": "opportunities", "name": "高优先级", "query": "priority=high"})
    assert response["Location"] == "/opportunities/?priority=high"
    assert "高优先级" in client.get("/opportunities/").content.decode()
