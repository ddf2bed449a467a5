"""Review documents: the list, "create" (pre-filled), the edit form (optimistic concurrency), the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from salesflow.core import audit
from salesflow.core.concurrency import StaleEditError
from salesflow.core.paging import page_of

from ..models import ReviewDocument
from . import reviews
from .forms import ReviewCreateForm, ReviewForm
from .views import reads_reports


@login_required
def review_list(request):
    if not reads_reports(request.user):
        raise PermissionDenied(_("Your role has no sales reports."))
    form = ReviewCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = reviews.create_review(actor=request.user, period=form.cleaned_data["period"],
                                           team=form.cleaned_data["team"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("insights:review", pk=review.pk)
    documents = ReviewDocument.objects.visible_to(request.user).select_related("team", "author")
    page, params = page_of(request, documents)
    return render(request, "insights/reports/reviews.html",
                  {"form": form, "page": page, "query_string": params,
                   "may_create": reviews.may_review(request.user, request.user.team) or
                   reviews.may_review(request.user, None)},
                  status=400 if request.method == "POST" else 200)


@login_required
def review_edit(request, pk):
    review = get_object_or_404(ReviewDocument.objects.visible_to(request.user).select_related("team", "author"),
                               pk=pk)
    editable = reviews.may_review(request.user, review.team)
    form = ReviewForm(request.POST or None, instance=review)
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("You may not write the review of this scope."))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in (*reviews.SECTIONS, "status")}
            try:
                reviews.update_review(actor=request.user, review=review, version=form.cleaned_data["version"],
                                      **fields)
            except StaleEditError:
                form.add_error(None, StaleEditError.message)
                status = 409
            else:
                messages.success(request, _("Review saved."))
                return redirect("insights:review", pk=review.pk)
        else:
            status = 400
    return render(request, "insights/reports/review.html", {"form": form, "review": review, "editable": editable},
                  status=status)


@login_required
def review_pdf(request, pk):
    review = get_object_or_404(ReviewDocument.objects.visible_to(request.user).select_related("team", "author"),
                               pk=pk)
    audit.record(review, "export", note="pdf", actor=request.user)
    response = HttpResponse(reviews.review_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{review.period}-{review.pk}.pdf"'
    return response


urlpatterns = [
    path("reviews/", review_list, name="reviews"),
    path("reviews/<int:pk>/", review_edit, name="review"),
    path("reviews/<int:pk>/pdf/", review_pdf, name="review-pdf"),
]
