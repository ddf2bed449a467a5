"""Work reports API (/api/v1/activities/reports/): list, open (create), detail, update, submit, comment, review,
delete a draft, and who has not submitted. Every route calls the services the pages call."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from salesflow.core.api_schemas import BusinessDate, InputSchema, Page, PathId, QueryDate, QueryId, QueryText, Version
from salesflow.org import access

from ..models import ReportComment, WorkReport
from . import services
from .figures import period_figures
from .forms import ReportFilterForm

router = Router(tags=["work reports"])
KIND_HELP = "daily | weekly | monthly"


class ReportOut(Schema):
    id: int
    kind: str
    owner_id: int
    owner_name: str
    team_id: int | None
    period_start: date
    period_end: date
    status: str
    summary: str
    problems: str
    help_needed: str
    plan: str
    due_at: datetime
    submitted_at: datetime | None
    late: bool
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    version: int

    @staticmethod
    def resolve_owner_name(obj):
        return str(obj.owner)

    @staticmethod
    def resolve_late(obj):
        return obj.is_late


class CommentOut(Schema):
    id: int
    author_id: int
    author_name: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj):
        return str(obj.author)


class ReportDetailOut(ReportOut):
    figures: dict = Field(description="Live for a draft; as frozen at submission otherwise.")
    comments: list[CommentOut]

    @staticmethod
    def resolve_figures(obj):
        if obj.status == WorkReport.Status.DRAFT:
            return period_figures(owner_ids=[obj.owner_id], start=obj.period_start, end=obj.period_end)
        return obj.figures

    @staticmethod
    def resolve_comments(obj):
        return list(obj.comments.select_related("author"))


class PersonOut(Schema):
    id: int
    name: str
    team: str | None


class OpenIn(InputSchema):
    kind: str = Field(description=KIND_HELP)
    day: BusinessDate | None = Field(None, description="A day of the period (default: today)")


class UpdateIn(InputSchema):
    version: Version
    summary: str | None = Field(None, max_length=10000)
    problems: str | None = Field(None, max_length=10000)
    help_needed: str | None = Field(None, max_length=10000)
    plan: str | None = Field(None, max_length=10000)


class VersionIn(InputSchema):
    version: Version


class CommentIn(InputSchema):
    text: str = Field(..., max_length=4000)


def _require_sales(user):
    if not services.may_write(user):
        raise PermissionDenied(_("Your role does not write work reports."))


def _get(request, report_id):
    _require_sales(request.user)
    return access.get_visible_or_404(WorkReport.objects.select_related("owner", "reviewed_by"), request.user,
                                     pk=report_id)


def _kind(kind: str) -> str:
    if kind not in WorkReport.Kind.values:
        raise ValidationError({"kind": _("Choose a daily, weekly or monthly report.")})
    return kind


@router.get("/", response=list[ReportOut], summary="Reports the caller may see (the list page's filters)")
@paginate(Page)
def list_reports(request, kind: QueryText = "", status: QueryText = "", owner: QueryId = None,
                 day: QueryDate = None):
    _require_sales(request.user)
    filters = {k: str(v) for k, v in {"kind": kind, "status": status, "owner": owner, "day": day}.items()
               if v not in (None, "")}
    form = ReportFilterForm(filters, user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return (form.apply(WorkReport.objects.visible_to(request.user)).select_related("owner")
            .order_by("-period_start", "kind", "owner_id"))


@router.post("/open", response={200: ReportDetailOut, 201: ReportDetailOut},
             summary="The caller's report of a kind for the period containing day (created as a draft if missing)")
def open_report(request, payload: OpenIn):
    kind = _kind(payload.kind)
    day = payload.day or timezone.localdate()
    start, _end = services.report_period(kind, day)
    existed = WorkReport.objects.filter(owner=request.user, kind=kind, period_start=start).exists()
    report = services.open_report(actor=request.user, kind=kind, day=day)
    return Status(200 if existed else 201, report)


@router.get("/missing", response=list[PersonOut],
            summary="Reps and managers the caller oversees without a submitted report of that kind and period")
def missing(request, kind: QueryText = "daily", day: QueryDate = None):
    _require_sales(request.user)
    people = services.missing_reports(request.user, kind=_kind(kind), day=day or timezone.localdate())
    return [{"id": p.pk, "name": str(p), "team": p.team.name if p.team else None} for p in people]


@router.get("/{report_id}", response=ReportDetailOut)
def get_report(request, report_id: PathId):
    return _get(request, report_id)


@router.patch("/{report_id}", response=ReportDetailOut, summary="The author's text; send the version you read")
def update_report(request, report_id: PathId, payload: UpdateIn):
    report = _get(request, report_id)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    return services.save_report(report, actor=request.user, data=data, version=payload.version)


@router.post("/{report_id}/submit", response=ReportDetailOut,
             summary="Submit: freezes the figures; late after the deadline; tells the manager")
def submit(request, report_id: PathId, payload: VersionIn):
    return services.submit_report(_get(request, report_id), actor=request.user, version=payload.version)


@router.post("/{report_id}/comments", response={201: CommentOut})
def comment(request, report_id: PathId, payload: CommentIn):
    created: ReportComment = services.comment_on(_get(request, report_id), actor=request.user, text=payload.text)
    return Status(201, created)


@router.post("/{report_id}/review", response=ReportDetailOut, summary="A manager (not the author) marks it reviewed")
def review(request, report_id: PathId):
    return services.mark_reviewed(_get(request, report_id), actor=request.user)


@router.delete("/{report_id}", response={204: None}, summary="Delete a draft (a submitted report is refused)")
def delete(request, report_id: PathId):
    services.delete_report(_get(request, report_id), actor=request.user)
    return Status(204, None)
