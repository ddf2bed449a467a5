"""Generator step: products, opportunities (scale N) with lines, stage histories and close-date changes, forecasts.

The opportunities agree with the customers step's plan:
- every customer with a last deal has a won opportunity closed at that moment, which passed through every stage;
- open deals belong to owned customers, started after the customer was created, sit in a stage for a time drawn
  from the same distribution as finished stays (so only the long tail shows as stalled) and mostly close in future;
- the other deals closed in the past (lost, or won before the customer's last deal), between the customer's
  creation and its return to the pool.
Every move is a StageChange row and every close-date push an OpportunityChange row, so win rates, cycle times and
stalled deals computed from history have something real to chew on.
"""

import datetime
import math
from decimal import Decimal

from django.utils import timezone

from salesflow.core.generator import DAY, GenerateContext, insert_rows, next_id
from salesflow.core.periods import period_of
from salesflow.core.registry import generator_steps

from .jobs import refresh_all_thresholds
from .models import (
    ForecastSubmission,
    Opportunity,
    OpportunityChange,
    OpportunityLine,
    Pipeline,
    Reason,
    StageChange,
    WonMonthly,
    rebuild_funnel_rollup,
)

SUBJECTS = ["ERP 升级项目", "CRM 系统采购", "数据中心扩容", "年度维保续约", "智能产线改造", "安全合规咨询",
            "云迁移服务", "办公设备采购", "培训服务", "物联网平台", "视频会议系统", "仓储管理系统", "财务共享平台",
            "网络安全加固", "数据分析平台"]
TYPES = ["new_business", "new_business", "upsell", "cross_sell", "renewal"]
NEXT_STEPS = ["安排技术交流", "发送报价单", "约见决策人", "准备演示", "确认合同条款", "等待客户内部审批", ""]
# (code, name, series, category, list price in yuan)
PRODUCTS = [
    ("SF-ERP-STD", "ERP 标准版", "ERP", "软件", 68000), ("SF-ERP-ENT", "ERP 企业版", "ERP", "软件", 198000),
    ("SF-CRM-PRO", "CRM 专业版（年）", "CRM", "订阅", 36000), ("SF-CRM-ENT", "CRM 企业版（年）", "CRM", "订阅", 88000),
    ("SF-BI-01", "数据分析平台", "BI", "软件", 120000), ("SF-IOT-GW", "物联网网关", "IoT", "硬件", 4800),
    ("SF-IOT-PLT", "物联网平台授权", "IoT", "软件", 150000), ("SF-SRV-IMP", "实施服务（人天）", "服务", "服务", 2500),
    ("SF-SRV-TRN", "培训服务（场）", "服务", "服务", 8000), ("SF-SRV-MNT", "年度维保", "服务", "服务", 30000),
    ("SF-HW-SVR", "机架式服务器", "硬件", "硬件", 45000), ("SF-HW-STO", "存储阵列", "硬件", "硬件", 160000),
    ("SF-SEC-FW", "下一代防火墙", "安全", "硬件", 58000), ("SF-SEC-AUD", "安全合规评估", "安全", "服务", 75000),
    ("SF-CLD-MIG", "云迁移服务包", "云", "服务", 90000), ("SF-VC-RM", "视频会议室套件", "协同", "硬件", 26000),
]
STAGE_MEDIAN_DAYS = [6.0, 10.0, 14.0, 12.0, 7.0]  # how long a stay in each stage usually lasts
SIGMA = 0.6
OPEN_SHARE = 0.3  # open deals, as a share of all opportunities


def _products():
    product_model = OpportunityLine._meta.get_field("product").related_model  # contracts today, catalog later
    existing = set(product_model.objects.values_list("code", flat=True))
    product_model.objects.bulk_create([
        product_model(code=code, name=name, series=series, category=category, list_price=Decimal(price))
        for code, name, series, category, price in PRODUCTS if code not in existing])
    return list(product_model.objects.filter(active=True).values_list("id", "list_price"))


@generator_steps.register("opportunities", "opportunities with lines, stage histories, close-date changes (scale N)",
                          order=40)
def generate_opportunities(ctx: GenerateContext) -> None:  # noqa: C901, PLR0915  (one plan, read top to bottom)
    rng = ctx.rng
    plan = ctx.shared.get("customers")
    if not plan or not len(plan["id"]):
        return
    pipeline = Pipeline.default()
    stages = list(pipeline.stages.order_by("order"))
    medians = [STAGE_MEDIAN_DAYS[min(i, len(STAGE_MEDIAN_DAYS) - 1)] for i in range(len(stages))]
    products = _products()
    win_reasons = list(Reason.objects.filter(kind="win").values_list("id", flat=True)) or [None]
    loss_reasons = list(Reason.objects.filter(kind="loss").values_list("id", flat=True)) or [None]
    now = ctx.now_ts
    today = ctx.day(now)

    def stay(stage_index):
        return rng.lognormvariate(math.log(medians[stage_index]), SIGMA) * DAY

    owned = [i for i, owner in enumerate(plan["owner"]) if owner]
    with_history = [i for i, owner in enumerate(plan["history_owner"]) if owner]
    by_rep: dict[int, list[int]] = {}
    for i in owned:
        by_rep.setdefault(plan["owner"][i], []).append(i)

    # Which customer each opportunity belongs to, and what kind it is.
    jobs = [(i, "last_win") for i, last in enumerate(plan["last_deal"]) if last]
    open_count = min(int(ctx.scale * OPEN_SHARE), max(0, ctx.scale - len(jobs))) if owned else 0
    demo_reps = [rep_id for rep_id, _team, _region in ctx.shared["reps"] if rep_id in by_rep]
    for n in range(min(open_count, 5 * len(demo_reps))):  # every rep gets a deal in every stage
        jobs.append((rng.choice(by_rep[demo_reps[n // 5]]), f"open{n % 5}"))
    open_end = len(jobs) - min(open_count, 5 * len(demo_reps)) + open_count
    while len(jobs) < open_end:
        jobs.append((rng.choice(owned), "open"))
    while len(jobs) < ctx.scale and with_history:
        jobs.append((rng.choice(with_history), "past"))
    rng.shuffle(jobs)

    opportunity_id = next_id(Opportunity)
    opportunity_columns = [
        "id", "subject", "customer_id", "owner_id", "team_id", "region_id", "pipeline_id", "stage_id", "amount",
        "type", "priority", "expected_close_date", "status", "forecast_category", "win_reason_id", "loss_reason_id",
        "next_step", "completed_actions", "created_at", "stage_entered_at", "closed_at", "close_date_pushes",
        "reached_order"]
    history_columns = ["opportunity_id", "from_stage_id", "to_stage_id", "from_status", "to_status", "changed_at",
                       "changed_by_id"]
    change_columns = ["opportunity_id", "field", "old_value", "new_value", "changed_at", "changed_by_id"]
    line_columns = ["opportunity_id", "product_id", "quantity", "unit_price", "amount"]
    counts = {"opportunities": 0, "history": 0, "changes": 0, "lines": 0}
    chunk_size = 50_000
    for start in range(0, len(jobs), chunk_size):
        opportunities, history, changes, lines = [], [], [], []
        for i, kind in jobs[start:start + chunk_size]:
            owner = plan["history_owner"][i] if kind in ("last_win", "past") else plan["owner"][i]
            born = plan["created"][i] + 0.5 * DAY
            status, stage_count, closed_at = "tracking", 1, None
            if kind.startswith("open"):
                stage_count = int(kind[4:]) + 1 if kind != "open" else rng.choices(
                    range(1, len(stages) + 1), weights=[30, 25, 20, 15, 10][:len(stages)])[0]
                stays = [stay(s) for s in range(stage_count - 1)]
                stays.append(rng.random() ** 0.6 * stay(stage_count - 1))  # the current stay, so far
                began = now - sum(stays)
                if began < born:  # the customer is younger than this path: a quicker deal
                    stays = [s * (now - born) / (now - began) for s in stays]
                    began = born
            else:
                if kind == "last_win":
                    status, stage_count = "won", len(stages)
                    closed_at = plan["last_deal"][i]
                    stays = [stay(s) for s in range(stage_count)]
                else:
                    last_deal = plan["last_deal"][i]
                    won = bool(last_deal) and rng.random() < 0.3
                    status = "won" if won else "lost"
                    stage_count = len(stages) if won else min(len(stages), 1 + int(rng.expovariate(0.9)))
                    stays = [stay(s) for s in range(stage_count)]
                    latest = (last_deal - DAY) if won else plan["end"][i] - 0.5 * DAY
                    room = latest - born
                    if room <= DAY:
                        status, stage_count = "lost", 1
                        latest, room = plan["end"][i], max(plan["end"][i] - plan["created"][i], 600.0)
                        born = plan["created"][i]
                        stays = [room * 0.5]
                    if sum(stays) > room * 0.9:
                        stays = [s * room * 0.9 / sum(stays) for s in stays]
                    closed_at = rng.uniform(born + sum(stays), latest)
                began = closed_at - sum(stays)
                if began < born:
                    stays = [s * (closed_at - born) / (closed_at - began) for s in stays]
                    began = born
            moments = [began]
            for s in stays[:-1]:
                moments.append(moments[-1] + s)
            # lines and amount
            amount = Decimal(0)
            if rng.random() < 0.75:
                for product_id, list_price in rng.sample(products, k=min(len(products), rng.choice((1, 1, 2, 3)))):
                    quantity = Decimal(rng.choice((1, 1, 2, 3, 5, 10, 20)))
                    unit_price = (list_price * Decimal(rng.choice(("1", "0.95", "0.9", "0.85", "0.8")))).quantize(
                        Decimal("1"))
                    lines.append((opportunity_id, product_id, quantity, unit_price, unit_price * quantity))
                    amount += unit_price * quantity
            else:
                amount = Decimal(round(math.exp(rng.gauss(11.3, 0.9)), -2))
            # expected close date and its pushes
            pushes = 0
            if status in ("won", "lost"):
                expected = ctx.day(closed_at)
            else:
                expected = today + datetime.timedelta(days=rng.randint(1, 150))
                if rng.random() < 0.03:
                    expected = today - datetime.timedelta(days=rng.randint(1, 20))
            if rng.random() < 0.25:
                end = closed_at or now
                dates = [expected]
                for _push in range(rng.choice((1, 1, 2))):
                    dates.insert(0, dates[0] - datetime.timedelta(days=rng.randint(7, 45)))
                for old, new in zip(dates, dates[1:], strict=False):
                    at = rng.uniform(began, end)
                    changes.append((opportunity_id, "expected_close_date", old.isoformat(), new.isoformat(),
                                    ctx.moment(at), owner))
                    pushes += 1
            if rng.random() < 0.1:
                old_amount = (amount * Decimal(rng.choice(("0.8", "1.2", "1.5")))).quantize(Decimal("1"))
                changes.append((opportunity_id, "amount", str(old_amount), str(amount),
                                ctx.moment(rng.uniform(began, closed_at or now)), owner))
            # stage history: creation, each move, then the close
            previous = None
            for stage, moment in zip(stages, moments, strict=False):
                history.append((opportunity_id, previous, stage.pk, "tracking" if previous else "", "tracking",
                                ctx.moment(moment), owner))
                previous = stage.pk
            stage = stages[stage_count - 1]
            if closed_at:
                history.append((opportunity_id, stage.pk, stage.pk, "tracking", status, ctx.moment(closed_at), owner))
            elif rng.random() < 0.03:
                status = "suspended"
                history.append((opportunity_id, stage.pk, stage.pk, "tracking", status,
                                ctx.moment(rng.uniform(moments[-1], now)), owner))
            if status == "tracking":
                ready = kind == "open4" or (stage_count == len(stages) and rng.random() < 0.5)
                done = list(stage.key_actions) if ready else [a for a in stage.key_actions if rng.random() < 0.4]
                category = rng.choice(["pipeline", "best_case", "commit", "commit"][: 2 + (stage_count >= 3) * 2])
            else:
                done, category = [], {"won": "closed", "lost": "omitted"}.get(status, "pipeline")
            opportunities.append((
                opportunity_id, rng.choice(SUBJECTS), plan["id"][i], owner, plan["team"][i] or None,
                plan["region"][i] or None, pipeline.pk, stage.pk, amount, rng.choice(TYPES),
                rng.choice(("high", "medium", "medium", "low")), expected, status, category,
                rng.choice(win_reasons) if status == "won" else None,
                rng.choice(loss_reasons) if status == "lost" else None,
                rng.choice(NEXT_STEPS) if status == "tracking" else "", done, ctx.moment(began),
                ctx.moment(moments[-1]), ctx.moment(closed_at) if closed_at else None, pushes,
                stage.order,  # the history above went through the stages in order up to this one
            ))
            opportunity_id += 1
        counts["opportunities"] += insert_rows(Opportunity, opportunity_columns, opportunities)
        counts["history"] += insert_rows(StageChange, history_columns, history)
        counts["changes"] += insert_rows(OpportunityChange, change_columns, changes)
        counts["lines"] += insert_rows(OpportunityLine, line_columns, lines)
        ctx.log(f"  opportunities: {counts['opportunities']:,}")
    ctx.log(f"  {counts['opportunities']:,} opportunities, {counts['history']:,} stage changes, "
            f"{counts['changes']:,} amount/close-date changes, {counts['lines']:,} lines")
    # PostgreSQL's bulk load runs with triggers off (session_replication_role): fill the roll-ups in one pass
    rebuild_funnel_rollup()
    WonMonthly.rebuild()
    refresh_all_thresholds(timezone.now())
    _forecasts(ctx)


def _forecasts(ctx: GenerateContext) -> None:
    """Each rep's call for the current quarter, from their open deals, so managers have calls to adjust."""
    from django.db.models import Q, Sum

    quarter = period_of("quarter", ctx.day(ctx.now_ts))
    totals = (Opportunity.objects.filter(status="tracking", expected_close_date__range=(quarter.start, quarter.end))
              .values("owner_id").annotate(commit=Sum("amount", filter=Q(forecast_category="commit")),
                                           best=Sum("amount", filter=Q(forecast_category__in=["commit", "best_case"]))))
    ForecastSubmission.objects.bulk_create([
        ForecastSubmission(owner_id=row["owner_id"], period_label=quarter.label, commit=row["commit"] or 0,
                           best_case=row["best"] or 0,
                           submitted_at=ctx.moment(ctx.now_ts - ctx.rng.uniform(1, 6) * DAY))
        for row in totals])
