"""Web imports: upload -> checked by a background task while the page polls -> report or preview -> confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .import_jobs import confirm_import, start_import
from .imports import KEY_NONE, ImportFileError, check_header, check_upload, get_importer
from .models import ImportJob


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    key = forms.ChoiceField(label=_("Match existing records by"), required=False)

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.fields["key"].choices = [("", KEY_NONE), *importer.keys.items()]
        if importer.default_key:  # always matched by its number: no "always create" choice
            self.fields["key"].choices = list(importer.keys.items())
            self.fields["key"].initial = importer.default_key

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.file)
            check_header(self.importer, upload.name, upload.file)
        except ImportFileError as exc:
            raise ValidationError(str(exc)) from None
        return upload


def _importer(kind):
    importer = get_importer(kind)
    if importer is None:
        raise Http404
    return importer


@login_required
def start(request, kind):
    importer = _importer(kind)
    form = UploadForm(request.POST or None, request.FILES or None, importer=importer)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_import(actor=request.user, importer=importer, file=upload, filename=upload.name,
                           key=form.cleaned_data["key"])
        return redirect("imports:job", pk=job.pk)
    status = 400 if form.errors else 200
    return render(request, "core/import_start.html", {"form": form, "importer": importer}, status=status)


def template(request, kind):
    importer = _importer(kind)
    response = HttpResponse(importer.template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@login_required
def job(request, pk):
    job = get_object_or_404(ImportJob.objects.defer("rows", "payload"), pk=pk, user=request.user)
    template_name = "core/import_progress.html" if request.htmx else "core/import_job.html"
    return render(request, template_name, {"job": job, "importer": _importer(job.kind)})


@login_required
@require_POST
def confirm(request, pk):
    get_object_or_404(ImportJob.objects.only("pk"), pk=pk, user=request.user)
    try:
        confirm_import(job_id=pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:job", pk=pk)
