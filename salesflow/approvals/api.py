"""/api/v1/approvals/: the caller's inbox and deciding a step (the same services as the pages)."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from salesflow.core.api_schemas import InputSchema, Page, PathId, Version

from . import services
from .models import ApprovalRequest, ApprovalStep

router = Router(tags=["approvals"])


class StepOut(Schema):
    position: int
    role: str
    approver_id: int | None
    decision: str
    decided_by_id: int | None
    comment: str
    decided_at: datetime | None


class RequestOut(Schema):
    id: int
    document_type: str = Field(description="app_label.model of the document")
    document_id: int = Field(alias="object_id")
    document: str = Field(alias="document_repr")
    document_url: str
    kind: str
    amount: Decimal
    flags: list[str]
    status: str
    current_step: int
    submitted_by_id: int
    submitted_at: datetime
    decided_at: datetime | None
    version: int
    steps: list[StepOut]

    @staticmethod
    def resolve_document_type(obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class DecideIn(InputSchema):
    approve: bool
    comment: str = Field("", max_length=1000)
    version: Version | None = Field(None, description="The request version you read; a stale one answers 409.")


@router.get("/inbox", response=list[RequestOut], summary="The requests whose current step waits for the caller")
@paginate(Page)
def inbox(request):
    waiting = ApprovalStep.objects.awaiting(request.user).values("request_id")
    return (ApprovalRequest.objects.filter(pk__in=waiting).select_related("content_type")
            .prefetch_related("steps").order_by(F("submitted_at").asc(), "id"))


@router.get("/{approval_id}", response=RequestOut, summary="One approval request with its steps (the history)")
def detail(request, approval_id: PathId):
    return get_object_or_404(ApprovalRequest.objects.visible_to(request.user).select_related("content_type")
                             .prefetch_related("steps"), pk=approval_id)


@router.post("/{approval_id}/decide", response=RequestOut, summary="Approve or reject the current step")
def decide(request, approval_id: PathId, payload: DecideIn):
    approval = get_object_or_404(ApprovalRequest.objects.visible_to(request.user), pk=approval_id)
    if approval.is_pending and not services.can_decide(request.user, approval):
        raise PermissionDenied(_("You are not the approver of this step."))
    services.decide(approval, actor=request.user, approve=payload.approve, comment=payload.comment,
                    version=payload.version)
    return ApprovalRequest.objects.select_related("content_type").prefetch_related("steps").get(pk=approval.pk)
