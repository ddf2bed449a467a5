from django import forms
from django.core.validators import MinValueValidator
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from salesflow.core.concurrency import VersionedModelForm
from salesflow.core.widgets import use_fast_selects
from salesflow.org import access
from salesflow.org.models import Region, Role, Team, User

from .models import Contact, Customer, OwnershipChange, Tag
from .selectors import RETURNS

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
        # Refused here, by field, before the database constraint could name itself to the user.
        self.fields["credit_limit"].validators.append(MinValueValidator(0))
        self.fields["credit_limit"].widget.attrs["min"] = "0"


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
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *Customer.Size.choices], required=False)
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
    # The customers behind a figure elsewhere (an analysis' segment, say): comma-separated ids.
    ids = forms.RegexField(regex=r"^\d{1,12}(,\d{1,12})*$", max_length=40000, required=False,
                           widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).filter(
            role__in=[Role.REP, Role.MANAGER]).order_by("username")
        for name in ("team", "region"):
            self.fields[name].label_from_instance = lambda node: node.indented_name
        use_fast_selects(self)

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
        for field in ("industry", "customer_class", "size", "lifecycle_stage", "source"):
            if data[field]:
                customers = customers.filter(**{field: data[field]})
        if data["tag"]:
            customers = customers.filter(tags=data["tag"])
        if data["ids"]:
            customers = customers.filter(pk__in=[int(i) for i in data["ids"].split(",")])
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
        use_fast_selects(self)

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
        use_fast_selects(self)


class PoolFilterForm(forms.Form):
    """The pool's search and filters: class, industry, region, and how and when customers came back."""

    RETURN_KINDS = [("", "—"), (OwnershipChange.Action.RETURN, _("Returned by its owner")),
                    (OwnershipChange.Action.AUTO_RETURN, _("Returned automatically (pool rules)"))]

    q = forms.CharField(label=_("Search"), required=False)
    customer_class = forms.ChoiceField(label=_("Class"), choices=[("", "—"), *Customer.Class.choices], required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—")], required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("path"), required=False)
    return_kind = forms.ChoiceField(label=_("How it was returned"), choices=RETURN_KINDS, required=False)
    reason = forms.CharField(label=_("Return reason contains"), required=False, max_length=100)
    returned_since = forms.DateField(label=_("In the pool since"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda node: node.indented_name
        industries = (Customer.objects.in_pool().exclude(industry="").order_by("industry")
                      .values_list("industry", flat=True).distinct()[:300])
        self.fields["industry"].choices = [("", "—"), *((i, i) for i in industries)]
        use_fast_selects(self)

    def is_filtering(self) -> bool:
        return self.is_bound and self.is_valid() and any(
            self.cleaned_data[name] for name in self.fields if name != "q")

    def apply(self, customers):
        if not self.is_valid():
            return customers.none()
        data = self.cleaned_data
        customers = customers.search(data["q"].strip())
        for field in ("customer_class", "industry"):
            if data[field]:
                customers = customers.filter(**{field: data[field]})
        if data["region"]:
            customers = customers.filter(region__in=data["region"].subtree().values("id"))
        if data["returned_since"]:
            customers = customers.filter(pool_entered_at__date__gte=data["returned_since"])
        if data["return_kind"] or data["reason"]:
            # Judge each customer by its latest return: the one that put it where it is now.
            latest = (OwnershipChange.objects.filter(customer=OuterRef("pk"), action__in=RETURNS)
                      .order_by("-at", "-id").values("id")[:1])
            matching = OwnershipChange.objects.filter(action__in=RETURNS)
            if data["return_kind"]:
                matching = matching.filter(action=data["return_kind"])
            if data["reason"]:
                matching = matching.filter(reason__icontains=data["reason"].strip())
            customers = customers.annotate(latest_return=Subquery(latest)).filter(
                latest_return__in=matching.values("id"))
        return customers
