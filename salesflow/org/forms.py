from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from salesflow.core.concurrency import VersionedModelForm

from . import services
from .models import Region, Team, User


class ThrottledLoginForm(AuthenticationForm):
    """Refuses further attempts for a while after repeated failures for one username or address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed logins. Please wait 15 minutes and try again."),
    }

    def clean(self):
        username = self.data.get("username", "")
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if services.reserve_login_attempt(username=username, ip=ip) is None:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        cleaned = super().clean()  # a wrong password leaves the reserved attempt counted as a failure
        services.clear_login_failures(username=username)
        return cleaned


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"), widget=forms.PasswordInput, required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "phone", "role", "scope", "team", "region", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("path")
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["team"].label_from_instance = lambda t: t.indented_name
        self.fields["region"].label_from_instance = lambda r: r.indented_name
        if not self.instance.pk:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        user.is_staff = user.role == "admin"
        if commit:
            user.save()
        return user


class TreeNodeForm(VersionedModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = self._meta.model.objects.order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda node: node.indented_name


class TeamForm(TreeNodeForm):
    class Meta:
        model = Team
        fields = ["name", "parent", "manager"]


class RegionForm(TreeNodeForm):
    class Meta:
        model = Region
        fields = ["name", "code", "parent"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("token name"), max_length=60)
