"""Demo data for the analyses: lead source costs for the last 24 months, and a share of the qualified leads marked
converted into the customers of their owner (the demo's leads step converts none), so cost per lead and per won
customer show."""

import datetime
from decimal import Decimal

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead, LeadSource, SourceCost


@generator_steps.register("source-costs", "lead source costs per month for the last 24 months", order=55)
def generate_source_costs(ctx: GenerateContext) -> None:
    month = ctx.day(ctx.now_ts).replace(day=1)
    months = []
    for _i in range(24):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    rows = [SourceCost(source_id=source_id, month=m,
                       amount=Decimal(ctx.rng.randrange(20, 600) * 100), note="demo")
            for source_id in LeadSource.objects.values_list("pk", flat=True) for m in months]
    SourceCost.objects.bulk_create(rows, ignore_conflicts=True)
    ctx.log(f"source costs: {len(rows)}")


@generator_steps.register("lead-conversions", "a third of the qualified leads converted into their owner's customers",
                          order=56)
def generate_conversions(ctx: GenerateContext) -> None:
    by_owner = {}
    for pk, owner_id in Customer.objects.filter(owner__isnull=False).values_list("pk", "owner_id"):
        by_owner.setdefault(owner_id, []).append(pk)
    leads = list(Lead.objects.filter(status=Lead.Status.QUALIFIED, owner__isnull=False).order_by("pk"))
    converted = []
    for lead in leads:
        customers = by_owner.get(lead.owner_id)
        if not customers or ctx.rng.random() > 0.35:
            continue
        lead.status, lead.converted_customer_id = Lead.Status.CONVERTED, ctx.rng.choice(customers)
        lead.converted_at = lead.created_at + datetime.timedelta(days=ctx.rng.randrange(1, 20))
        converted.append(lead)
    Lead.objects.bulk_update(converted, ["status", "converted_customer_id", "converted_at"], batch_size=500)
    ctx.log(f"leads converted: {len(converted)}")
