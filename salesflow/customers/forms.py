from salesflow.core.concurrency import VersionedModelForm

from .models import Customer


class CustomerForm(VersionedModelForm):
    class Meta:
        model = Customer
        fields = ["name", "industry", "region", "notes"]
