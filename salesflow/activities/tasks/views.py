"""Task pages: the list (tabs, a manager's pick of rep or team, export), create/edit, detail, done/reopen/cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesflow.core.concurrency import StaleEditError
from salesflow.core.exports import export_response
from salesflow.core.models import AuditEntry
from salesflow.core.paging import CappedPaginator
from salesflow.org import access
from salesflow.org.models import Scope

from ..models import Task
from . import selectors, services
from .forms import LINK_MODELS, TaskForm, owner_choices_queryset

EXPORT_HEADERS = [gettext_lazy("ID"), gettext_lazy("Title"), gettext_lazy("Assignee"), gettext_lazy("Customer"),
                  gettext_lazy("Due"), gettext_lazy("Priority"), gettext_lazy("Status"), gettext_lazy("Done at"),
                  gettext_lazy("Notes")]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _export_rows(tasks):
    priorities, statuses = dict(Task.Priority.choices), dict(Task.Status.choices)
    for task in tasks.select_related("owner", "customer").iterator(chunk_size=2000):
        yield (task.pk, task.title, str(task.owner), task.customer.name if task.customer_id else "",
               _local(task.due_at), str(priorities[task.priority]), str(statuses[task.status]), _local(task.done_at),
               task.notes)


@login_required
def task_list(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in selectors.TABS else "today"
    owner, owner_value = selectors.pick_owner(request.user, request.GET.get("owner", ""))
    tasks = selectors.for_tab(selectors.visible_tasks(request.user, owner), tab)
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(fmt=request.GET["export"], filename="tasks", rows=_export_rows(tasks),
                               headers=[str(h) for h in EXPORT_HEADERS], audit_target=request.user,
                               note=f"tasks {request.GET.urlencode()}")
    page = CappedPaginator(tasks.select_related("owner", "customer"), 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "activities/tasks/task_list.html", {
        "page": page, "tab": tab, "tabs": [(name, TAB_LABELS[name]) for name in selectors.TABS],
        "owner_value": owner_value, "owners": owner_choices_queryset(request.user),
        "may_pick": access.effective_scope(request.user) != Scope.OWN, "query_string": params.urlencode(),
        "owner_query": f"&owner={owner_value}" if owner_value else "", "now": timezone.now(),
        "can_create": access.can_create_pipeline_records(request.user)})


TAB_LABELS = {"today": gettext_lazy("Due today"), "overdue": gettext_lazy("Overdue"),
              "upcoming": gettext_lazy("Upcoming"), "done": gettext_lazy("Done")}


def _show_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields and field not in LINK_MODELS else None, errors)


def _save(request, form, task=None):
    """Run the service for a valid form; returns the task, or None with the refusal on the form (and a status)."""
    try:
        if task is None:
            return services.create_task(actor=request.user, owner=form.cleaned_data["owner"],
                                        data=form.task_data()), 200
        return services.update_task(task, actor=request.user, version=form.cleaned_data["version"],
                                    data={**form.task_data(), "owner": form.cleaned_data["owner"]}), 200
    except StaleEditError:
        form.add_error(None, StaleEditError.message)
        return None, 409
    except PermissionDenied as exc:
        form.add_error("owner", str(exc))
    except ValidationError as exc:
        _show_errors(form, exc)
    return None, 400


@login_required
def task_new(request):
    if not access.can_create_pipeline_records(request.user):
        raise PermissionDenied(_("Your role does not work with tasks."))
    initial = {"owner": request.user.pk, "due_date": timezone.localdate(), "priority": Task.Priority.NORMAL,
               **{name: request.GET[name] for name in LINK_MODELS if request.GET.get(name, "").isdigit()}}
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            task, status = _save(request, form)
            if task is not None:
                messages.success(request, _("Task saved."))
                return redirect(task)
    return render(request, "activities/tasks/task_form.html", {"form": form, "links": _links(form)}, status=status)


def _links(form) -> dict:
    try:
        return form.links()
    except (ValueError, TypeError):
        return {}


@login_required
def task_edit(request, pk):
    task = access.get_visible_or_404(Task.objects.select_related("owner"), request.user, pk=pk)
    services.require_change_task(request.user, task)
    form = TaskForm(request.POST or None, user=request.user, task=task, initial=TaskForm.initial_for(task))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = _save(request, form, task)
            if saved is not None:
                messages.success(request, _("Task saved."))
                return redirect(saved)
    return render(request, "activities/tasks/task_form.html", {"form": form, "task": task, "links": _links(form)},
                  status=status)


@login_required
def task_detail(request, pk):
    task = access.get_visible_or_404(
        Task.objects.select_related("owner", "created_by", "customer", "opportunity", "lead", "agreement",
                                    "source_activity"), request.user, pk=pk)
    return render(request, "activities/tasks/task_detail.html", {
        "task": task, "overdue": task.is_overdue(), "can_change": services.can_change_task(request.user, task),
        "history": AuditEntry.for_object(task).select_related("actor")[:20]})


ACTIONS = {"done": (services.complete_task, gettext_lazy("Task done.")),
           "reopen": (services.reopen_task, gettext_lazy("Task reopened.")),
           "cancel": (services.cancel_task, gettext_lazy("Task cancelled."))}


@login_required
@require_POST
def task_action(request, pk, action):
    task = access.get_visible_or_404(Task.objects.select_related("owner"), request.user, pk=pk)
    function, success = ACTIONS[action]
    version = request.POST.get("version", "")
    try:
        function(task, actor=request.user, version=int(version) if version.isdigit() else None)
        messages.success(request, success)
    except StaleEditError:
        messages.error(request, StaleEditError.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else task.get_absolute_url())
