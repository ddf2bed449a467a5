from django import forms

from .models import Product

ProductFormSet = forms.modelformset_factory(Product, fields=["code", "name", "series", "category", "list_price",
                                                             "active"], extra=3)
