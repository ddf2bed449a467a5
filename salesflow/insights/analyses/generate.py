"""Demo data for the analyses: lead source costs for the last 24 months, and a share of the qualified leads
converted into customers of their owner (the leads step converts none), so cost per lead and per won customer show.
At demo sizes each conversion goes through ``convert_lead`` (the page's and the API's door), dated back to when it
happened; past them the conversions are written in one bulk update, as the rest of a large generation is."""

import datetime
from decimal import Decimal

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps
from salesflow.customers.models import Customer
from salesflow.leads.models import Lead, LeadSource, SourceCost
from salesflow.leads.services import convert_lead

CONVERT_UP_TO_SCALE = 20_000  # demo sizes: one service call per conversion


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
    by_service = ctx.scale <= CONVERT_UP_TO_SCALE
    leads = Lead.objects.filter(status=Lead.Status.QUALIFIED, owner__isnull=False).order_by("pk")
    leads = list(leads.select_related("owner") if by_service else leads)
    picked = []  # (lead, customer id, when)
    for lead in leads:
        customers = by_owner.get(lead.owner_id)
        if not customers or ctx.rng.random() > 0.35:
            continue
        picked.append((lead, ctx.rng.choice(customers),
                       lead.created_at + datetime.timedelta(days=ctx.rng.randrange(1, 20))))
    if by_service:
        customers = Customer.objects.in_bulk({customer_id for _lead, customer_id, _at in picked})
        for lead, customer_id, at in picked:
            # Linked to a customer the owner already has (so some later wins count), no new opportunity: the
            # generated pipeline stays as it is. Audit rows are suppressed for the whole generation.
            convert_lead(actor=lead.owner, lead=lead, customer=customers[customer_id], create_opportunity=False,
                         converted_at=min(at, ctx.now))
        ctx.log(f"leads converted: {len(picked)} (convert_lead)")
        return
    for lead, customer_id, at in picked:
        lead.status, lead.converted_customer_id, lead.converted_at = Lead.Status.CONVERTED, customer_id, at
    Lead.objects.bulk_update([lead for lead, _c, _at in picked], ["status", "converted_customer_id", "converted_at"],
                             batch_size=500)
    ctx.log(f"leads converted: {len(picked)}")
