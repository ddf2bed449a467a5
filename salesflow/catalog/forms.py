from django import forms

from salesflow.core.concurrency import VersionedModelForm

from .models import PriceList, PriceListItem, Product, RoleDiscountLimit

ProductFormSet = forms.modelformset_factory(Product, fields=["code", "name", "series", "category", "unit",
                                                             "list_price", "cost", "tax_rate", "active"], extra=3)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriceListForm(VersionedModelForm):
    class Meta:
        model = PriceList
        fields = ["name", "currency", "valid_from", "valid_to", "active"]
        widgets = {"valid_from": DATE, "valid_to": DATE}


PriceListItemFormSet = forms.inlineformset_factory(PriceList, PriceListItem, fields=["product", "price"], extra=5,
                                                   can_delete=True)

RoleDiscountLimitFormSet = forms.modelformset_factory(RoleDiscountLimit, fields=["role", "max_discount"], extra=1)
