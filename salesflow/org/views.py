from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesflow.core.audit import record
from salesflow.core.concurrency import StaleEditError
from salesflow.core.models import AuditEntry

from . import access, services
from .forms import RegionForm, TeamForm, TokenForm, UserForm
from .models import ApiToken, Region, Role, Team, User


def admin_only(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        access.require_role(request.user, Role.ADMIN)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@admin_only
def user_list(request):
    query = request.GET.get("q", "").strip()
    users = User.objects.select_related("team", "region").order_by("username")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(display_name__icontains=query) | Q(email__icontains=query)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "org/user_list.html", {"page": page, "q": query})


@admin_only
def user_edit(request, pk=None):
    user = get_object_or_404(User, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if user is not None and form.cleaned_data.get("password"):
            record(saved, AuditEntry.Action.ACTION, note="password reset by an administrator", actor=request.user)
        messages.success(request, _("User %(name)s saved.") % {"name": saved})
        return redirect("org:users")
    status = 400 if form.errors else 200
    return render(request, "org/user_form.html", {"form": form, "object": user}, status=status)


def _tree_list(request, model, template_title, edit_url, new_url):
    nodes = model.objects.order_by("path")
    if model is Team:
        nodes = nodes.select_related("manager").annotate(member_count=Count("members"))
    context = {"nodes": nodes, "title": template_title, "edit_url": edit_url, "new_url": new_url}
    return render(request, "org/tree_list.html", context)


def _tree_edit(request, model, form_class, pk, list_url, title):
    node = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEditError:
            return render(request, "org/tree_form.html", {"form": form, "title": title}, status=409)
        messages.success(request, _("Saved."))
        return redirect(list_url)
    status = 400 if form.errors else 200
    return render(request, "org/tree_form.html", {"form": form, "title": title, "object": node}, status=status)


@admin_only
def team_list(request):
    return _tree_list(request, Team, _("Teams"), "org:team_edit", "org:team_new")


@admin_only
def team_edit(request, pk=None):
    return _tree_edit(request, Team, TeamForm, pk, "org:teams", _("Team"))


@admin_only
def region_list(request):
    return _tree_list(request, Region, _("Sales regions"), "org:region_edit", "org:region_new")


@admin_only
def region_edit(request, pk=None):
    return _tree_edit(request, Region, RegionForm, pk, "org:regions", _("Sales region"))


@login_required
def account(request):
    """The user's own page: profile and personal API tokens."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        new_token = services.issue_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = request.user.api_tokens.all()
    return render(request, "org/account.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("org:account")
