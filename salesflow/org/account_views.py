"""Accounts: change your own password, an admin resets someone's, and e-mail reset when SMTP is configured."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from . import services
from .models import User
from .views import admin_only


def password_reset_enabled() -> bool:
    return bool(settings.EMAIL_HOST)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # stay logged in on this device
        messages.success(request, _("Your password has been changed."))
        return redirect("org:account")
    return render(request, "org/password_change.html", {"form": form}, status=400 if form.errors else 200)


@admin_only
def password_reset_by_admin(request, pk):
    target = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(actor=request.user, user=target, password=form.cleaned_data["new_password1"])
        messages.success(request, _("The password of %(name)s has been reset.") % {"name": target})
        return redirect("org:users")
    return render(request, "org/password_reset_admin.html", {"form": form, "target": target},
                  status=400 if form.errors else 200)


class _OnlyWithMail:
    """The e-mail reset pages exist only when the server can send mail."""

    def dispatch(self, request, *args, **kwargs):
        if not password_reset_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(_OnlyWithMail, auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(_OnlyWithMail, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(_OnlyWithMail, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        from salesflow.core.audit import record
        from salesflow.core.models import AuditEntry

        record(form.user, AuditEntry.Action.ACTION, note="password reset by e-mail link", actor=form.user)
        return response


class PasswordResetCompleteView(_OnlyWithMail, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
