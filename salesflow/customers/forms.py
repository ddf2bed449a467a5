from django import forms
from django.utils.translation import gettext_lazy as _

from salesflow.core.concurrency import VersionedModelForm
from salesflow.org import access
from salesflow.org.models import Region, Role, Team, User

from .models import Contact, Customer, Tag

SORTS = {
    "-created_at": _("Newest first"),
    "created_at": _("Oldest first"),
    "name": _("Name"),
    "-last_contact_at": _("Recently contacted"),
    "last_contact_at": _("Longest without contact"),
}


class CustomerForm(VersionedModelForm):
    class Meta:
        model = Customer
        fields = [
            "name", "credit_code", "industry", "size", "region", "address", "phone", "email", "website", "source",
            "customer_class", "value_level", "potential_level", "lifecycle_stage", "credit_limit",
            "payment_terms_days", "status", "tags", "external_id", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "tags": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["region"].label_from_instance = lambda r: r.indented_name


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "decision_role", "attitude", "phone", "email", "wechat", "birthday", "is_primary",
                  "notes"]
        widgets = {"birthday": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 2})}


class CustomerFilterForm(forms.Form):
    """The list's search, filters and sort, validated like any other input."""

    q = forms.CharField(label=_("Search"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("path"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("path"), required=False)
    industry = forms.CharField(label=_("Industry"), required=False)
    customer_class = forms.ChoiceField(label=_("Class"), choices=[("", "—"), *Customer.Class.choices], required=False)
    lifecycle_stage = forms.ChoiceField(label=_("Lifecycle stage"), choices=[("", "—"), *Customer.Lifecycle.choices],
                                        required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False)
    source = forms.CharField(label=_("Source"), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Created to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    contact_from = forms.DateField(label=_("Last contact from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    contact_to = forms.DateField(label=_("Last contact to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Sort"), choices=list(SORTS.items()), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).filter(
            role__in=[Role.REP, Role.MANAGER]).order_by("username")
        for name in ("team", "region"):
            self.fields[name].label_from_instance = lambda node: node.indented_name

    def apply(self, customers):
        if not self.is_valid():
            return customers.none()
        data = self.cleaned_data
        customers = customers.search(data["q"].strip())
        if data["owner"]:
            customers = customers.filter(owner=data["owner"])
        if data["team"]:
            customers = customers.filter(team__in=data["team"].subtree().values("id"))
        if data["region"]:
            customers = customers.filter(region__in=data["region"].subtree().values("id"))
        for field in ("industry", "customer_class", "lifecycle_stage", "source"):
            if data[field]:
                customers = customers.filter(**{field: data[field]})
        if data["tag"]:
            customers = customers.filter(tags=data["tag"])
        if data["created_from"]:
            customers = customers.filter(created_at__date__gte=data["created_from"])
        if data["created_to"]:
            customers = customers.filter(created_at__date__lte=data["created_to"])
        if data["contact_from"]:
            customers = customers.filter(last_contact_at__date__gte=data["contact_from"])
        if data["contact_to"]:
            customers = customers.filter(last_contact_at__date__lte=data["contact_to"])
        sort = data["sort"] or "-created_at"
        return customers.order_by(sort, "-id")


class BulkActionForm(forms.Form):
    ACTIONS = [("assign", _("Assign / transfer to")), ("tag", _("Add tag")), ("return", _("Return to pool"))]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ids = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.assignable_users(user)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "assign" and not cleaned.get("owner"):
            self.add_error("owner", _("Choose who receives the customers."))
        if action == "tag" and not cleaned.get("tag"):
            self.add_error("tag", _("Choose a tag."))
        if action == "return" and not cleaned.get("reason"):
            self.add_error("reason", _("Say why the customers go back to the pool."))
        return cleaned


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.assignable_users(user)
