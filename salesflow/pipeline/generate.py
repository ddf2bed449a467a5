"""Generator step: opportunities (one per customer on average) with realistic stage histories.

Each opportunity walks forward through the stages of the default pipeline; about 55% are closed (won more
often when they got further), the rest are still tracking, some past their expected close date. Every move is a
StageChange row, so win rates, cycle times and stalled deals computed from history have something real to chew on.
"""

import datetime
import math
from array import array
from decimal import Decimal

from django.utils import timezone

from salesflow.core.generator import BATCH, GenerateContext
from salesflow.core.registry import generator_steps
from salesflow.customers.models import Customer

from .models import Opportunity, Pipeline, StageChange

SUBJECTS = ["ERP 升级项目", "CRM 系统采购", "数据中心扩容", "年度维保续约", "智能产线改造", "安全合规咨询",
            "云迁移服务", "办公设备采购", "培训服务", "物联网平台"]
TYPES = ["new_business", "new_business", "upsell", "cross_sell", "renewal"]


@generator_steps.register("opportunities", "opportunities with stage histories (scale N)", order=40)
def generate_opportunities(ctx: GenerateContext) -> None:
    rng = ctx.rng
    pipeline = Pipeline.default()
    stages = list(pipeline.stages.order_by("order"))
    ids, owners, teams, regions = array("q"), array("q"), array("q"), array("q")
    for cid, owner, team, region in (Customer.objects.filter(owner__isnull=False).order_by("id")
                                     .values_list("id", "owner_id", "team_id", "region_id").iterator(chunk_size=20000)):
        ids.append(cid)
        owners.append(owner)
        teams.append(team or 0)
        regions.append(region or 0)
    if not ids:
        return
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    while made < ctx.scale:
        batch, paths = [], []
        for _ in range(min(BATCH, ctx.scale - made)):
            i = rng.randrange(len(ids))
            created = now - datetime.timedelta(days=rng.uniform(0, 730))
            reached = min(len(stages), 1 + int(rng.expovariate(0.6)))
            moments = [created]
            for _step in range(reached - 1):
                moments.append(moments[-1] + datetime.timedelta(days=rng.lognormvariate(2.2, 0.6)))
            closing = moments[-1] + datetime.timedelta(days=rng.lognormvariate(2.4, 0.6))
            closed = closing < now and rng.random() < 0.8
            won = closed and rng.random() < (0.15 + 0.14 * reached)
            if moments[-1] > now:  # history cannot be in the future: stop where today is
                while len(moments) > 1 and moments[-1] > now:
                    moments.pop()
                reached, closed, won = len(moments), False, False
            status = ("won" if won else "lost") if closed else ("suspended" if rng.random() < 0.03 else "tracking")
            expected = closing.date() if closed else today + datetime.timedelta(days=rng.randint(-45, 180))
            batch.append(Opportunity(
                subject=rng.choice(SUBJECTS), customer_id=ids[i], owner_id=owners[i], team_id=teams[i] or None,
                region_id=regions[i] or None, pipeline=pipeline, stage=stages[reached - 1],
                amount=Decimal(round(math.exp(rng.gauss(11.5, 1.0)), -2)), type=rng.choice(TYPES),
                priority=rng.choice(["high", "medium", "medium", "low"]), expected_close_date=expected,
                status=status, forecast_category=("closed" if won else "omitted") if closed else rng.choice(
                    ["pipeline", "pipeline", "best_case", "commit"]),
                created_at=created, stage_entered_at=moments[-1], closed_at=closing if closed else None,
                close_date_pushes=rng.choice([0, 0, 0, 1, 2]) if not closed else 0,
            ))
            paths.append((moments, closing if closed else None, status))
        Opportunity.objects.bulk_create(batch, batch_size=BATCH)
        changes = []
        for opportunity, (moments, closing, status) in zip(batch, paths, strict=True):
            previous = None
            for stage, moment in zip(stages, moments, strict=False):
                changes.append(StageChange(opportunity_id=opportunity.pk, from_stage=previous, to_stage=stage,
                                           from_status="tracking" if previous else "", to_status="tracking",
                                           changed_at=moment, changed_by_id=opportunity.owner_id))
                previous = stage
            if closing is not None:
                changes.append(StageChange(opportunity_id=opportunity.pk, from_stage=previous, to_stage=previous,
                                           from_status="tracking", to_status=status, changed_at=closing,
                                           changed_by_id=opportunity.owner_id))
        StageChange.objects.bulk_create(changes, batch_size=BATCH)
        made += len(batch)
        if made % (BATCH * 20) == 0:
            ctx.log(f"  opportunities: {made:,}")
    ctx.log(f"  opportunities: {made:,} with {StageChange.objects.count():,} stage changes")
