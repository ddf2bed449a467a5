"""Web imports: upload -> checked in chunks while the page shows progress -> report or preview -> confirm."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .imports import IMPORTERS, ImportFileError, read_table, rows_as_values, validate_rows, write_rows
from .models import ImportJob

CHUNK = 1000
MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    key = forms.ChoiceField(label=_("Match existing records by"), required=False)

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", _("(no key: always create)")), *importer.keys.items()]


def _importer(kind):
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise Http404 from None


@login_required
def start(request, kind):
    importer = _importer(kind)
    form = UploadForm(request.POST or None, request.FILES or None, importer=importer)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ImportFileError(_("The file is larger than 20 MB; split it or use the command line."))
            headers, rows = read_table(upload.name, upload.read())
            values = rows_as_values(importer, headers, rows)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = ImportJob.objects.create(kind=kind, user=request.user, filename=upload.name[:200],
                                           key=form.cleaned_data["key"] or "", rows=values)
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
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    if job.status == ImportJob.Status.CHECKING:
        _check_next_chunk(request, job)
    template_name = "core/import_progress.html" if request.htmx else "core/import_job.html"
    return render(request, template_name, {"job": job, "importer": _importer(job.kind),
                                           "preview": job.rows[:20]})


def _check_next_chunk(request, job):
    importer = _importer(job.kind)
    stop = job.checked + CHUNK
    errors = validate_rows(importer, job.rows, actor=request.user, key=job.key or None, start=job.checked,
                           stop=stop, seen_keys=job.seen_keys)
    job.errors += [e.as_dict() for e in errors]
    job.checked = min(stop, job.total)
    if job.checked >= job.total:
        job.status = ImportJob.Status.INVALID if job.errors else ImportJob.Status.READY
    job.save(update_fields=["errors", "checked", "status", "seen_keys"])


@login_required
@require_POST
def confirm(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, user=request.user, status=ImportJob.Status.READY)
    try:
        job.result = write_rows(_importer(job.kind), job.rows, actor=request.user, key=job.key or None)
    except ValidationError as exc:
        job.errors = [{"line": 0, "column": "", "message": m} for m in exc.messages]
        job.status = ImportJob.Status.INVALID
    else:
        job.status = ImportJob.Status.DONE
        job.rows = []  # the data now lives in the records; don't keep a second copy
    job.save()
    return redirect("imports:job", pk=job.pk)
