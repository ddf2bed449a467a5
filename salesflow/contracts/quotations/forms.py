from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesflow.catalog.models import PriceList, Product
from salesflow.contracts.models import Quotation
from salesflow.org import access

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuotationFilterForm(forms.Form):
    q = forms.CharField(label=_("Number"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Quotation.Status.choices], required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.users_in_scope(user).order_by("username")

    def apply(self, quotations):
        if not self.is_valid():
            return quotations.none()
        data = self.cleaned_data
        if data["q"]:
            quotations = quotations.filter(number__icontains=data["q"].strip())
        if data["status"]:
            quotations = quotations.filter(status=data["status"])
        if data["owner"]:
            quotations = quotations.filter(owner=data["owner"])
        return quotations


class QuotationForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    price_list = forms.ModelChoiceField(label=_("Price list"), queryset=PriceList.objects.none(), required=False,
                                        empty_label=_("List prices"))
    terms = forms.CharField(label=_("Terms"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.valid_on(timezone.localdate())


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=2, min_value=0.01)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=2, min_value=0,
                                    required=False, help_text=_("Empty: the price list's or the list price"))
    discount_rate = forms.DecimalField(label=_("Discount %"), max_digits=5, decimal_places=2, min_value=0,
                                       max_value=100, required=False)
    tax_rate = forms.DecimalField(label=_("Tax rate %"), max_digits=5, decimal_places=2, min_value=0,
                                  max_value=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True)

    def clean(self):
        data = super().clean()
        if data.get("quantity") is not None and not data.get("product") and not data.get("description"):
            self.add_error("product", _("Choose a product or describe the item."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and f.cleaned_data.get("quantity") is not None
                and not f.cleaned_data.get("DELETE")]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=3, can_delete=True, max_num=100,
                                    validate_max=True)


def initial_lines(quotation=None, opportunity=None) -> list[dict]:
    if quotation is not None:
        return [{"product": line.product_id, "description": line.description, "quantity": line.quantity,
                 "unit_price": line.unit_price, "discount_rate": line.discount_rate, "tax_rate": line.tax_rate}
                for line in quotation.lines.all()]
    return [{"product": line.product_id, "description": line.product.name, "quantity": line.quantity,
             "unit_price": line.unit_price} for line in opportunity.lines.select_related("product")]
