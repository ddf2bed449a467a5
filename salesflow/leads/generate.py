"""Generator step: leads (scale / 2) across sources, statuses and reps."""

import datetime

from django.utils import timezone

from salesflow.core.generator import GenerateContext, bulk_insert
from salesflow.core.registry import generator_steps

from .models import Lead, LeadSource

# Converted leads are not generated: conversion creates customers and opportunities of its own.
STATUSES = [("new", 35), ("contacted", 30), ("qualified", 20), ("disqualified", 15)]
CITIES = "上海 北京 深圳 广州 杭州 南京 苏州 成都 武汉 西安".split()
WORDS = "星辰 蓝海 启明 汇通 万象 锦程 华瑞 同创 新元 宏图".split()


@generator_steps.register("leads", "leads (scale / 2) from every source", order=30)
def generate_leads(ctx: GenerateContext) -> None:
    rng = ctx.rng
    reps = ctx.shared["reps"]
    sources = list(LeadSource.objects.values_list("id", flat=True))
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    now = timezone.now()

    def rows():
        for i in range(max(1, ctx.scale // 2)):
            owner_id, team_id, region_id = rng.choice(reps)
            created = now - datetime.timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
            status = rng.choice(statuses)
            yield Lead(
                company=f"{rng.choice(CITIES)}{rng.choice(WORDS)}科技有限公司{i + 1:07d}",
                contact_name=f"联系人{i + 1}", phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                region_id=region_id, source_id=rng.choice(sources), owner_id=owner_id, team_id=team_id,
                status=status, disqualify_reason="无采购需求" if status == "disqualified" else "",
                created_at=created, last_activity_at=created + datetime.timedelta(days=rng.randint(0, 20)),
            )

    bulk_insert(Lead, rows(), ctx=ctx, label="leads")
