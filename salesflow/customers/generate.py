"""Generator step: customers that agree with the pool rules and the claim limit, with contacts and ownership history.

- Every rep owns comfortably fewer customers than the claim limit (the demo login ``rep`` about 60% of it), so
  claiming, converting a lead and a manager's assignment all succeed. The rest of the customers are in the pool.
- Owned customers were followed up and (for established accounts) won a deal recently enough for their class's
  pool rule; a few are within the warning window and a handful just overdue, as if the worker last ran yesterday.
- Pool customers were returned by the rule in the past (with the ownership row saying so) or never had an owner.

What later steps need (ids, owners, dates, the planned last deal) is kept in ``ctx.shared["customers"]``.
"""

import math
from array import array

from django.utils import translation
from django.utils.translation import gettext as _

from salesflow.core.generator import DAY, GenerateContext, company_names, insert_rows, next_id
from salesflow.core.registry import generator_steps
from salesflow.org.generate import person_name

from .models import Contact, Customer, OwnershipChange, PoolRule, PoolSettings

INDUSTRIES = ["制造业", "信息技术", "医疗健康", "金融", "零售", "物流", "能源", "教育", "建筑", "政府"]
SOURCES = ["展会", "官网表单", "客户推荐", "电话陌拜", "搜索引擎", "合作伙伴"]
TITLES = ["总经理", "采购经理", "IT总监", "财务总监", "运营经理", "工程师", "副总经理", "信息中心主任", "行政经理"]
ROLES = ["decision_maker", "influencer", "user", "gatekeeper", "other"]
CLASSES = "AABBBBBCCC"
OWN_SHARE = 0.6  # the demo login `rep` owns this share of the claim limit; the others 45-70%
MIN_OWNED = 0.35  # at least this share of all customers is owned; the claim limit is raised if it must be
MAX_OWNED = 0.65  # at most this share is owned (at tiny scales), so the pool always has customers to claim
WARNED, OVERDUE = 0.03, 0.006  # shares of owned customers inside the warning window / just past their due time
CHUNK = 50_000


def claim_limit(ctx: GenerateContext, reps: int) -> int:
    """The claim limit the generated data respects: the configured one, raised (in steps of 50) at large scales
    where reps would otherwise hold fewer than ``MIN_OWNED`` of the customers."""
    settings = PoolSettings.current()
    needed = ctx.scale * MIN_OWNED / reps
    if needed > OWN_SHARE * settings.max_customers_per_rep:
        settings.max_customers_per_rep = int(math.ceil(needed / OWN_SHARE / 50) * 50)
        settings.save(update_fields=["max_customers_per_rep"])
        ctx.log(f"  claim limit raised to {settings.max_customers_per_rep} for this scale")
    return settings.max_customers_per_rep


def owner_slots(ctx: GenerateContext, reps, limit: int) -> list[int]:
    """One entry per customer: the owning rep's index, or -1 for the pool; shuffled."""
    rng = ctx.rng
    shares = [OWN_SHARE if index == 0 else rng.uniform(0.45, 0.7) for index in range(len(reps))]
    shrink = min(1.0, MAX_OWNED * ctx.scale / (sum(shares) * limit))  # tiny scales keep a pool too
    slots = []
    for index, share in enumerate(shares):
        slots += [index] * int(share * limit * shrink)
    slots += [-1] * (ctx.scale - len(slots))
    rng.shuffle(slots)
    return slots


def _rules() -> dict[str, tuple[float, float, float]]:
    rules = {r.customer_class: (r.days_without_contact, r.days_without_deal, r.notice_days)
             for r in PoolRule.objects.filter(active=True)}
    return {c: rules.get(c, (365.0, 3650.0, 0.0)) for c in "ABC"}


@generator_steps.register("customers", "customers within the pool rules and claim limit, contacts, ownership history",
                          order=20)
def generate_customers(ctx: GenerateContext) -> None:
    rng = ctx.rng
    reps = ctx.shared["reps"]
    regions = ctx.shared["regions"]
    names = company_names(ctx)
    rules = _rules()
    limit = claim_limit(ctx, len(reps))
    slots = owner_slots(ctx, reps, limit)
    now = ctx.now_ts
    with translation.override("zh-hans"):
        reasons = {c: _("No follow-up for %(c)s days or no deal for %(d)s days (class %(k)s rule)")
                   % {"c": int(rules[c][0]), "d": int(rules[c][1]), "k": c} for c in "ABC"}
    plan = {key: array(code) for key, code in (("id", "q"), ("owner", "q"), ("history_owner", "q"), ("team", "q"),
                                               ("region", "q"), ("created", "d"), ("end", "d"), ("last_deal", "d"))}
    customer_id, contact_id = next_id(Customer), next_id(Contact)
    customer_columns = ["id", "name", "industry", "source", "region_id", "phone", "customer_class",
                        "lifecycle_stage", "value_level", "owner_id", "team_id", "pool_entered_at", "created_at",
                        "last_contact_at", "last_deal_at"]
    contact_columns = ["id", "customer_id", "name", "title", "decision_role", "is_primary", "phone", "created_at"]
    change_columns = ["customer_id", "action", "from_owner_id", "to_owner_id", "reason", "at", "by_id"]
    counts = {"customers": 0, "contacts": 0, "ownership": 0}
    for start in range(0, ctx.scale, CHUNK):
        customers, contacts, changes = [], [], []
        for slot in slots[start:start + CHUNK]:
            klass = rng.choice(CLASSES)
            contact_days, deal_days, notice = rules[klass]
            region_id = None
            last_deal = 0.0
            if slot >= 0:
                owner_id, team_id, region_id = reps[slot]
                history_owner = owner_id
                deal_window = max(2.0, deal_days - notice - 1)
                if rng.random() < 0.55:  # an established account: won a deal within the rule's window
                    created = now - rng.uniform(deal_window + 30, 1100) * DAY
                    last_deal = now - rng.uniform(1, deal_window) * DAY
                    lifecycle = rng.choice(("growing", "mature", "mature"))
                else:  # a new account: created recently, no deal yet
                    created = now - rng.uniform(1, deal_window) * DAY
                    lifecycle = rng.choice(("prospect", "new", "new"))
                luck = rng.random()
                if luck < OVERDUE:
                    contacted = now - (contact_days + rng.uniform(0.05, 0.9)) * DAY
                    created = min(created, contacted - DAY)
                elif luck < OVERDUE + WARNED and notice:
                    contacted = now - (contact_days - rng.uniform(0.1, notice - 0.1)) * DAY
                else:
                    contacted = now - rng.uniform(0.05, max(0.1, contact_days - notice - 1)) * DAY
                contacted = max(contacted, created + 600)
                pool_entered = None
                end = now
                changes.append((customer_id, "create", None, owner_id, "", ctx.moment(created), owner_id))
            else:
                owner_id = team_id = None
                created = now - rng.uniform(30, 1100) * DAY
                lifecycle = rng.choice(("prospect", "prospect", "declining", "lost"))
                if rng.random() < 0.7:  # owned before, returned by the rule
                    history_owner = rng.choice(reps)[0]
                    pool_entered = created + rng.uniform(0.3, 0.97) * (now - created - DAY)
                    contacted = max(created, pool_entered - contact_days * DAY)
                    if rng.random() < 0.25 and pool_entered - deal_days * DAY > created + 20 * DAY:
                        last_deal = pool_entered - rng.uniform(deal_days, deal_days + 200) * DAY
                        last_deal = max(last_deal, created + 20 * DAY)
                    changes.append((customer_id, "create", None, history_owner, "", ctx.moment(created),
                                    history_owner))
                    changes.append((customer_id, "auto_return", history_owner, None, reasons[klass],
                                    ctx.moment(pool_entered), None))
                else:  # imported or registered straight into the pool
                    history_owner = 0
                    pool_entered = created
                    contacted = None if rng.random() < 0.5 else created + rng.uniform(0, 10) * DAY
                    contacted = min(contacted, now - DAY) if contacted else None
                end = pool_entered
            if region_id is None or rng.random() < 0.2:
                region_id = rng.choice(regions)
            customers.append((
                customer_id, names.take(), rng.choice(INDUSTRIES), rng.choice(SOURCES), region_id,
                f"0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}", klass, lifecycle,
                rng.choice(("high", "medium", "medium", "low")), owner_id, team_id,
                ctx.moment(pool_entered) if pool_entered else None, ctx.moment(created),
                ctx.moment(contacted) if contacted else None, ctx.moment(last_deal) if last_deal else None,
            ))
            for n in range(rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.9 else 0):
                contacts.append((contact_id, customer_id, person_name(rng), rng.choice(TITLES), rng.choice(ROLES),
                                 n == 0, f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                                 ctx.moment(created + rng.uniform(0, 3) * DAY if created + 3 * DAY < now else created)))
                contact_id += 1
            plan["id"].append(customer_id)
            plan["owner"].append(owner_id or 0)
            plan["history_owner"].append(history_owner)
            plan["team"].append(team_id or 0)
            plan["region"].append(region_id or 0)
            plan["created"].append(created)
            plan["end"].append(end)
            plan["last_deal"].append(last_deal)
            customer_id += 1
        counts["customers"] += insert_rows(Customer, customer_columns, customers)
        counts["contacts"] += insert_rows(Contact, contact_columns, contacts)
        counts["ownership"] += insert_rows(OwnershipChange, change_columns, changes)
    ctx.shared["customers"] = plan
    ctx.shared["claim_limit"] = limit
    ctx.log(f"  {counts['customers']:,} customers ({sum(1 for o in plan['owner'] if o):,} owned, claim limit "
            f"{limit}), {counts['contacts']:,} contacts, {counts['ownership']:,} ownership changes")
