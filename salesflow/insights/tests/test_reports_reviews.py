"""Review documents: pre-filled with the period's figures and facts, edited with optimistic concurrency, PDF,
who may write and read them."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from salesflow.core.concurrency import StaleEditError
from salesflow.insights.models import ReviewDocument
from salesflow.insights.reports.reviews import create_review, update_review

from .reports_fixtures import october_fixture  # noqa: F401  (the fixture)


def test_create_prefills_results_and_causes_with_the_quarters_figures(org, october):
    review = create_review(actor=org.director, period="2026-Q4")
    assert "签约额：目标 300,000.00，实际 350,000.00，完成率 116.7%" in review.results
    assert "东区大单" in review.results and "回款" in review.results
    assert "价格太高：2" in review.causes and "未填写原因：1" in review.causes and "逾期应收" in review.causes
    assert review.lessons == review.improvements == "" and review.status == "draft"


def test_a_year_review_and_a_period_that_is_neither_quarter_nor_year(org, october):
    assert create_review(actor=org.director, period="2026").period == "2026"
    with pytest.raises(ValidationError) as error:
        create_review(actor=org.director, period="2026-10")
    assert "period" in error.value.message_dict


def test_a_manager_reviews_his_team_only_and_finance_writes_none(org, october):
    assert create_review(actor=org.manager_east, period="2026-Q4", team=org.east1).team == org.east1
    for actor, team in ((org.manager_east, None), (org.manager_east, org.west), (org.finance, None),
                        (org.rep_a, org.east1)):
        with pytest.raises(PermissionDenied):
            create_review(actor=actor, period="2026-Q4", team=team)
    assert ReviewDocument.objects.visible_to(org.manager_west).count() == 0
    assert ReviewDocument.objects.visible_to(org.finance).count() == 1


def test_a_stale_edit_is_refused_and_the_page_answers_409(org, october, client_for):
    review = create_review(actor=org.manager_east, period="2026-Q4", team=org.east)
    update_review(actor=org.manager_east, review=review, version=1, lessons="早跟进大客户")
    with pytest.raises(StaleEditError):
        update_review(actor=org.manager_east, review=ReviewDocument.objects.get(), version=1, lessons="旧稿")
    client = client_for(org.manager_east)
    body = {"results": review.results, "causes": review.causes, "lessons": "旧稿", "improvements": "",
            "status": "draft", "version": 1}
    stale = client.post(f"/insights/reviews/{review.pk}/", body)
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    fresh = client.post(f"/insights/reviews/{review.pk}/", {**body, "lessons": "新稿", "version": 2,
                                                           "status": "final"})
    assert fresh.status_code == 302
    review.refresh_from_db()
    assert (review.lessons, review.status, review.version) == ("新稿", "final", 3)
    assert client_for(org.manager_west).get(f"/insights/reviews/{review.pk}/").status_code == 404
    assert client_for(org.director).post(f"/insights/reviews/{review.pk}/", {**body, "version": 3}).status_code == 302


def test_create_on_the_page_then_export_the_pdf(org, october, client_for):
    client = client_for(org.director)
    response = client.post("/insights/reviews/", {"period": "2026-Q4", "team": ""})
    review = ReviewDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/insights/reviews/{review.pk}/"
    pdf = client.get(f"/insights/reviews/{review.pk}/pdf/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ("成果回顾", "原因分析", "经验总结", "改进计划", "350,000.00"):
        assert heading in text
    assert client_for(org.rep_a).get("/insights/reviews/").status_code == 403


def test_the_review_list_runs_a_fixed_number_of_queries(org, client_for):
    from salesflow.testing.queries import assert_pinned

    def grow(n):
        for _ in range(n):
            ReviewDocument.objects.create(period="2026-Q4", team=org.east1, author=org.manager_east)
    assert_pinned(client_for(org.manager_east), "/insights/reviews/", grow, 10)


def test_the_api_creates_edits_with_the_version_and_refuses_a_stale_edit(org, october):
    from salesflow.testing.api_client import ApiClient

    api = ApiClient(org.manager_east)
    created = api.post("/api/v1/insights/reviews", {"period": "2026-Q4", "team_id": org.east.pk})
    assert created.status_code == 201 and "东区大单" in created.json()["results"]
    review_id = created.json()["id"]
    edited = api.patch(f"/api/v1/insights/reviews/{review_id}", {"version": 1, "lessons": "提前跟进"})
    assert edited.status_code == 200 and edited.json()["version"] == 2 and edited.json()["lessons"] == "提前跟进"
    assert api.patch(f"/api/v1/insights/reviews/{review_id}", {"version": 1, "lessons": "旧"}).status_code == 409
    assert api.patch(f"/api/v1/insights/reviews/{review_id}", {"version": 2, "lessons": "a\x00"}).status_code == 422
    month = api.post("/api/v1/insights/reviews", {"period": "2026-10", "team_id": org.east.pk})
    assert month.status_code == 422 and ApiClient.fields(month) == {"period"}
    assert api.post("/api/v1/insights/reviews", {"period": "2026-Q4"}).status_code == 403  # the company
    assert ApiClient(org.manager_west).get(f"/api/v1/insights/reviews/{review_id}").status_code == 404
    assert api.get(f"/api/v1/insights/reviews/{review_id}/pdf").content.startswith(b"%PDF")
    assert api.get("/api/v1/insights/reviews").json()["count"] == 1
