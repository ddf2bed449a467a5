"""Scorecards: weights summing to 100% (refused otherwise, naming the field), value/target/score/weighted total, the
drill-down's count and sum equal to the value, and who may read whose scorecard (page, API, export, CLI)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from salesflow.core.periods import parse_period
from salesflow.performance.kpis import selectors, services
from salesflow.performance.models import Kpi, ManualValue, Scorecard
from salesflow.testing.api_client import ApiClient

from .kpi_factories import make_agreement, make_target

pytestmark = pytest.mark.django_db
MARCH = parse_period("2026-03")


def kpi(key):
    return Kpi.objects.get(key=key)


def rep_card(org, **weights):
    items = [{"kpi": kpi("signed_amount"), "weight": Decimal(weights.get("signed", 60)), "target": Decimal("1000")},
             {"kpi": kpi("sales_cycle"), "weight": Decimal(weights.get("cycle", 20)), "target": Decimal("30")},
             {"kpi": kpi("target_completion"), "weight": Decimal(weights.get("completion", 20)), "target": None,
              "approved_target": True}]
    return services.save_scorecard(actor=org.admin, role=Scorecard.Role.REP, items=items)


def test_weights_not_adding_up_to_100_are_refused_naming_the_weight(org):
    with pytest.raises(ValidationError) as refused:
        rep_card(org, signed=50)
    assert list(refused.value.message_dict) == ["weight"]
    assert "100%" in refused.value.message_dict["weight"][0] and "90" in refused.value.message_dict["weight"][0]
    assert not Scorecard.objects.exists()


def test_only_an_admin_sets_a_scorecard(org):
    with pytest.raises(PermissionDenied):
        services.save_scorecard(actor=org.manager_east, role="rep", items=[])


def test_a_reps_scorecard_scores_each_kpi_capped_and_adds_the_weighted_total(org):
    rep_card(org)
    make_agreement(org.rep_a, amount="2000.00", signed_on=datetime.date(2026, 3, 5))  # 200% of 1000: capped 150
    make_target(org.rep_a, "2026-03", "4000.00")  # completion 2000 / 4000 = 50
    card = selectors.scorecards(selectors.scorecard_of("rep"), MARCH, [(selectors.person(org.rep_a), "a")])[0]
    lines = {line.item.kpi.key: line for line in card.lines}
    assert (lines["signed_amount"].value, lines["signed_amount"].score) == (Decimal("2000.00"), Decimal("150.00"))
    assert lines["sales_cycle"].value is None and lines["sales_cycle"].weighted == 0
    completion = lines["target_completion"]
    assert (completion.value, completion.target, completion.score) == (Decimal("2000.00"), Decimal("4000.00"),
                                                                       Decimal("50.00"))
    assert card.total == Decimal("100.00")  # 150 × 60% + 0 + 50 × 20%


def test_the_settings_page_refuses_a_wrong_total_with_the_message(org, client_for):
    client = client_for(org.admin)
    url = reverse("performance:kpi-scorecard-settings") + "?role=rep"
    response = client.post(url, {"weight_signed_amount": "70", "target_signed_amount": "1000",
                                 "weight_visits": "20", "target_visits": "8"})
    assert response.status_code == 400
    assert "权重" in response.content.decode() and "100%" in response.content.decode()
    response = client.post(url, {"weight_signed_amount": "80", "target_signed_amount": "1000",
                                 "weight_visits": "20", "target_visits": "8"})
    assert response.status_code == 302
    assert sorted(Scorecard.objects.get(role="rep").items.values_list("weight", flat=True)) == [20, 80]


def test_a_rep_cannot_open_the_settings_page(org, client_for):
    assert client_for(org.rep_a).get(reverse("performance:kpi-scorecard-settings")).status_code == 403


def test_drill_down_shows_the_rows_behind_the_value_with_the_same_count_and_sum(org, client_for):
    rep_card(org)
    for amount in ("100.00", "250.50"):
        make_agreement(org.rep_a, amount=amount, signed_on=datetime.date(2026, 3, 5))
    make_agreement(org.rep_a2, amount="999.00", signed_on=datetime.date(2026, 3, 5))
    page = client_for(org.rep_a).get(reverse("performance:kpi-drill", args=["signed_amount"]),
                                     {"period": "2026-03", "user": org.rep_a.pk}).content.decode()
    assert "2 " in page and "350.50" in page and "999" not in page


def test_a_rep_sees_only_their_own_scorecard_through_page_api_export_and_cli(org, client_for):
    rep_card(org)
    make_agreement(org.rep_a2, amount="500.00", signed_on=datetime.date(2026, 3, 5))
    client = client_for(org.rep_a)
    url = reverse("performance:kpi-scorecard")
    assert client.get(url, {"user": org.rep_a2.pk, "period": "2026-03"}).status_code == 404
    drill = reverse("performance:kpi-drill", args=["signed_amount"])
    assert client.get(drill, {"user": org.rep_a2.pk, "period": "2026-03"}).status_code == 404
    export = client.get(url, {"period": "2026-03", "format": "xlsx"})
    names = {row[0] for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True)}
    assert names == {str(org.rep_a)}
    api = ApiClient(org.rep_a)
    other = api.get(f"/api/v1/performance/kpis/scorecards/?period=2026-03&user={org.rep_a2.pk}")
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "user"
    assert [c["user"] for c in api.get("/api/v1/performance/kpis/scorecards/?period=2026-03").json()] == [org.rep_a.pk]
    out = io.StringIO()
    call_command("report", "scorecard", "--json", "--user", "rep_a", "--period", "2026-03", stdout=out)
    assert [c["user"] for c in json.loads(out.getvalue())["rows"]] == [org.rep_a.pk]


def test_a_manager_sees_the_scorecards_of_their_subtree_and_the_team(org, client_for):
    rep_card(org)
    make_agreement(org.rep_a2, amount="500.00", signed_on=datetime.date(2026, 3, 5))
    client = client_for(org.manager_east)
    assert client.get(reverse("performance:kpi-scorecard"), {"user": org.rep_a2.pk}).status_code == 200
    assert client.get(reverse("performance:kpi-scorecard"), {"user": org.rep_b.pk}).status_code == 404
    page = client.get(reverse("performance:kpi-team-scorecards"), {"period": "2026-03"}).content.decode()
    assert "rep_a2" in page and "rep_b" not in page
    api = ApiClient(org.manager_east)
    users = {c["user"] for c in api.get("/api/v1/performance/kpis/scorecards/?period=2026-03").json()}
    assert users == {org.rep_a.pk, org.rep_a2.pk}
    assert client_for(org.rep_a).get(reverse("performance:kpi-team-scorecards")).status_code == 403


def test_manual_values_are_entered_through_the_service_by_a_manager_for_their_people(org):
    row = services.enter_manual_value(actor=org.manager_east, kpi=kpi("training_hours"), period="2026-03",
                                      value="6", user=org.rep_a)
    assert ManualValue.objects.get().value == Decimal("6.00") and row.period == "2026-03"
    with pytest.raises(PermissionDenied):
        services.enter_manual_value(actor=org.manager_east, kpi=kpi("training_hours"), period="2026-03", value="6",
                                    user=org.rep_b)
    with pytest.raises(ValidationError) as refused:
        services.enter_manual_value(actor=org.admin, kpi=kpi("visits"), period="2026-03", value="6", user=org.rep_b)
    assert list(refused.value.message_dict) == ["kpi"]


def test_the_demo_step_sets_both_scorecards_to_100_percent_and_enters_hours_and_shares(org):
    from salesflow.core.generator import GenerateContext
    from salesflow.performance.kpis.generate import generate_kpis

    generate_kpis(GenerateContext(scale=10))
    for role in ("rep", "manager"):
        items = Scorecard.objects.get(role=role).items.all()
        assert sum(i.weight for i in items) == 100
        assert all(i.approved_target or i.target > 0 for i in items)
    assert ManualValue.objects.filter(kpi__key="training_hours", user=org.rep_a).count() == 3
    assert ManualValue.objects.filter(kpi__key="market_share", team=org.east).count() == 3


def test_manual_values_through_the_api_obey_the_same_rules(org):
    manager, rep = ApiClient(org.manager_east), ApiClient(org.rep_a)
    body = {"kpi": "training_hours", "period": "2026-03", "value": "7.5", "user_id": org.rep_a.pk}
    created = manager.post("/api/v1/performance/kpis/manual-values/", body)
    assert created.status_code == 201 and created.json()["value"] == "7.50"
    assert manager.post("/api/v1/performance/kpis/manual-values/", {**body, "user_id": org.rep_b.pk}).status_code == 404
    assert rep.post("/api/v1/performance/kpis/manual-values/", body).status_code == 403
    wrong = manager.post("/api/v1/performance/kpis/manual-values/", {**body, "kpi": "visits"})
    assert wrong.status_code == 422 and ApiClient.fields(wrong) == {"kpi"}
    assert [v["user_id"] for v in rep.get("/api/v1/performance/kpis/manual-values/").json()] == [org.rep_a.pk]
