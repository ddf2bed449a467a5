"""Generator step: leads (scale / 2) across sources, statuses and reps, with real-looking companies and people.

Company names come from the same pool as the customers' (so a lead never duplicates a customer and converting it
works); dates are never in the future.
"""

from salesflow.core.generator import DAY, GenerateContext, company_names, insert_rows
from salesflow.core.registry import generator_steps
from salesflow.org.generate import person_name

from .models import Lead, LeadSettings, LeadSource

# Converted leads are not generated: conversion creates customers and opportunities of its own.
STATUSES = [("new", 35), ("contacted", 30), ("qualified", 20), ("disqualified", 15)]
TITLES = ["总经理", "采购经理", "IT经理", "信息部主管", "运营总监", "行政主管", "技术负责人"]
INDUSTRIES = ["制造业", "信息技术", "医疗健康", "金融", "零售", "物流", "能源", "教育", "建筑"]
DISQUALIFY = ["无采购需求", "预算不足", "已选定其他供应商", "联系方式无效"]


@generator_steps.register("leads", "leads (scale / 2) from every source", order=30)
def generate_leads(ctx: GenerateContext) -> None:
    rng = ctx.rng
    reps = ctx.shared["reps"]
    names = company_names(ctx)
    sources = list(LeadSource.objects.values_list("id", flat=True)) or [None]
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    now = ctx.now_ts
    untouched = LeadSettings.current().untouched_days  # open leads are followed up within it, apart from a few

    def rows():
        for index in range(max(1, ctx.scale // 2)):
            owner_id, team_id, region_id = reps[index % len(reps)] if index < 4 * len(reps) else rng.choice(reps)
            # the first leads of every rep are qualified, so each demo rep can convert one straight away
            status = "qualified" if index < 2 * len(reps) else rng.choice(statuses)
            if status == "new":  # new leads are young: an untouched one older than a few days gets a reminder
                age = rng.uniform(0.05, max(0.1, untouched - 0.5)) if rng.random() < 0.95 else rng.uniform(0.05, 30)
            else:
                age = rng.uniform(0.2, 365)
            created = now - age * DAY
            if status in ("new", "disqualified"):
                active = created + rng.uniform(0, min(age, 20)) * DAY
            elif rng.random() < 0.95:
                active = max(created, now - rng.uniform(0.02, max(0.05, untouched - 0.5)) * DAY)
            else:
                active = created
            yield (names.take(), person_name(rng), rng.choice(TITLES),
                   f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}", region_id, rng.choice(INDUSTRIES),
                   rng.choice(sources), owner_id, team_id, status,
                   rng.choice(DISQUALIFY) if status == "disqualified" else "",
                   ctx.moment(created), ctx.moment(min(active, now)))

    insert_rows(Lead, ["company", "contact_name", "title", "phone", "region_id", "industry", "source_id", "owner_id",
                       "team_id", "status", "disqualify_reason", "created_at", "last_activity_at"], rows(),
                ctx=ctx, label="leads")
