"""/api/v1/insights/reports/: the report history, "generate now" (202, generated after commit), the file, the
figures of a report as JSON; /api/v1/insights/report-subscriptions/ for administrators; /api/v1/insights/reviews/
(review documents: create pre-filled, edit with the version read, PDF)."""

import json
from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from salesflow.core import audit
from salesflow.core.api_schemas import NO_NUL, Id, InputSchema, Page, PathId, QueryId, QueryText, Version, text
from salesflow.org.models import Team

from ..models import Channel, ReportSubscription, ReviewDocument, SalesReport
from . import reviews, services
from .data import report_data
from .render import FORMATS

router = Router(tags=["insights"])

Kind = Literal["weekly", "monthly", "quarterly"]
Lang = Literal["zh-hans", "en"]
Format = Literal["xlsx", "pdf"]
PeriodLabel = Annotated[str, Field(max_length=10, pattern=NO_NUL)]


class SalesReportOut(Schema):
    id: int
    kind: str
    period: str
    team_id: int | None
    lang: str
    format: str
    title: str
    headline: str
    status: str
    error: str
    size: int
    requested_at: datetime
    generated_at: datetime | None
    generated_by_id: int | None


class SalesReportIn(InputSchema):
    kind: Kind
    period: PeriodLabel = Field("", description="2026-W47, 2026-10 or 2026-Q3; empty: the last whole one")
    team_id: Id | None = Field(None, description="Empty: the company")
    lang: Lang = "zh-hans"
    format: Format = "xlsx"


class ReportSubscriptionOut(Schema):
    id: int
    kind: str
    team_id: int | None
    lang: str
    format: str
    channel_id: int
    active: bool


class ReportSubscriptionIn(InputSchema):
    kind: Kind
    team_id: Id | None = None
    lang: Lang = "zh-hans"
    format: Format = "xlsx"
    channel_id: Id
    active: bool = True


def _team(team_id):
    return None if team_id is None else get_object_or_404(Team, pk=team_id)


@router.get("/reports", response=list[SalesReportOut], summary="The sales reports you may see, newest first")
@paginate(Page)
def list_reports(request):
    return SalesReport.objects.visible_to(request.user).without_content()


@router.post("/reports", response={202: SalesReportOut},
             summary="Generate a report now: pending at once, ready when the task queue has made it")
def create_report(request, payload: SalesReportIn):
    report = services.request_report(actor=request.user, kind=payload.kind, period=payload.period,
                                     team=_team(payload.team_id), lang=payload.lang, fmt=payload.format)
    return 202, report


@router.get("/reports/figures", summary="The figures of a report (JSON), as the files show them")
def report_figures(request, kind: Query[Kind], period: QueryText = "", team: QueryId = None,
                   lang: Query[Lang] = "zh-hans"):
    with translation.override(lang):
        try:
            scope = None if team is None else Team.objects.filter(pk=team).first()
            if team is not None and scope is None:
                raise ValidationError({"team": _("No such team.")})
            data = report_data(kind, period or None, scope, user=request.user)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@router.get("/reports/{report_id}", response=SalesReportOut, summary="One report (without its file)")
def get_report(request, report_id: PathId):
    return get_object_or_404(SalesReport.objects.visible_to(request.user).without_content(), pk=report_id)


@router.get("/reports/{report_id}/file", summary="The report's file (XLSX or PDF) once it is ready")
def report_file(request, report_id: PathId):
    report = get_object_or_404(SalesReport.objects.visible_to(request.user), pk=report_id,
                               status=SalesReport.Status.READY)
    audit.record(report, "export", note=report.filename, actor=request.user)
    response = HttpResponse(bytes(report.content), content_type=FORMATS[report.format][0])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


def _require_admin(request):
    if not request.user.is_org_admin:
        raise PermissionDenied(_("Only an administrator manages report subscriptions."))


@router.get("/report-subscriptions", response=list[ReportSubscriptionOut], summary="Report subscriptions")
def list_subscriptions(request):
    _require_admin(request)
    return ReportSubscription.objects.all()


@router.post("/report-subscriptions", response={201: ReportSubscriptionOut}, summary="Subscribe a channel")
def create_subscription(request, payload: ReportSubscriptionIn):
    _require_admin(request)
    channel = get_object_or_404(Channel, pk=payload.channel_id)
    return 201, ReportSubscription.objects.create(kind=payload.kind, team=_team(payload.team_id), lang=payload.lang,
                                                  format=payload.format, channel=channel, active=payload.active)


@router.delete("/report-subscriptions/{subscription_id}", response={204: None}, summary="Remove a subscription")
def delete_subscription(request, subscription_id: PathId):
    _require_admin(request)
    get_object_or_404(ReportSubscription, pk=subscription_id).delete()
    return 204, None


class ReviewDocumentOut(Schema):
    id: int
    period: str
    team_id: int | None
    author_id: int
    results: str
    causes: str
    lessons: str
    improvements: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime


class ReviewDocumentIn(InputSchema):
    period: PeriodLabel = Field(description="A quarter (2026-Q3) or a year (2026)")
    team_id: Id | None = Field(None, description="Empty: the company")


class ReviewDocumentPatch(InputSchema):
    version: Version
    results: text(ReviewDocument, "results") = None
    causes: text(ReviewDocument, "causes") = None
    lessons: text(ReviewDocument, "lessons") = None
    improvements: text(ReviewDocument, "improvements") = None
    status: Literal["draft", "final"] = None


@router.get("/reviews", response=list[ReviewDocumentOut], summary="The review documents you may see")
@paginate(Page)
def list_reviews(request):
    return ReviewDocument.objects.visible_to(request.user)


@router.post("/reviews", response={201: ReviewDocumentOut},
             summary="Create a review, pre-filled with the period's figures (results) and facts (causes)")
def create_review(request, payload: ReviewDocumentIn):
    return 201, reviews.create_review(actor=request.user, period=payload.period, team=_team(payload.team_id))


@router.get("/reviews/{review_id}", response=ReviewDocumentOut, summary="One review document")
def get_review(request, review_id: PathId):
    return get_object_or_404(ReviewDocument.objects.visible_to(request.user), pk=review_id)


@router.patch("/reviews/{review_id}", response=ReviewDocumentOut,
              summary="Edit a review's sections or status; 409 when it changed since the version you read")
def patch_review(request, review_id: PathId, payload: ReviewDocumentPatch):
    review = get_object_or_404(ReviewDocument.objects.visible_to(request.user), pk=review_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return reviews.update_review(actor=request.user, review=review, version=version,
                                 **{k: v for k, v in changes.items() if v is not None})


@router.get("/reviews/{review_id}/pdf", summary="The review as a PDF")
def review_pdf(request, review_id: PathId):
    review = get_object_or_404(ReviewDocument.objects.visible_to(request.user).select_related("team", "author"),
                               pk=review_id)
    audit.record(review, "export", note="pdf", actor=request.user)
    response = HttpResponse(reviews.review_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{review.period}-{review.pk}.pdf"'
    return response
