"""maven-crm steps 30 and 40: products.csv -> the product catalogue; sales_pipeline.csv -> opportunities.

How the file maps (also printed in the import summary):
* deal_stage Prospecting / Engaging are the stages of a pipeline "Maven"; Won and Lost are statuses.
* History is rebuilt from the dates: a deal enters Prospecting and Engaging on its engage_date and closes on its
  close_date. Prospecting deals carry no date at all: they are dated on the last day the file covers.
* Won deals are worth close_value. Open deals carry no value, so their amount is the product's list price, and
  their expected close date (also absent) is the last day the file covers. Lost deals keep the file's 0.
* ``GTXPro`` in the pipeline is the product ``GTX Pro``.
* 1,425 open deals have no account: they are imported without a customer ("account unknown"), so the customers
  are exactly the file's 85 accounts.
"""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from salesflow.catalog.models import Product
from salesflow.core.maven import read_csv
from salesflow.core.registry import maven_steps

from .models import Opportunity, OpportunityLine, Pipeline, Stage, StageChange

PRODUCT_ALIASES = {"GTXPro": "GTX Pro"}


def product_code(name: str) -> str:
    return "MVN-" + re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


@maven_steps.register("products", "products.csv: the product catalogue", order=30)
def import_products(folder, ctx, stdout):
    products = {}
    for row in read_csv(folder, "products.csv"):
        product, _ = Product.objects.update_or_create(
            code=product_code(row["product"]),
            defaults={"name": row["product"], "series": row["series"], "list_price": Decimal(row["sales_price"])})
        products[row["product"]] = product
    ctx["products"] = products
    ctx["summary"].append(f"products: {len(products)}")


def _moment(day: str) -> datetime.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(), tzinfo=zone)


@maven_steps.register("sales-pipeline", "sales_pipeline.csv: opportunities with rebuilt stage history", order=40)
def import_pipeline(folder, ctx, stdout):
    rows = read_csv(folder, "sales_pipeline.csv")
    pipeline, _ = Pipeline.objects.get_or_create(name="Maven")
    prospecting, _ = Stage.objects.get_or_create(pipeline=pipeline, order=1,
                                                 defaults={"name": "Prospecting", "win_rate": Decimal(20)})
    engaging, _ = Stage.objects.get_or_create(pipeline=pipeline, order=2,
                                              defaults={"name": "Engaging", "win_rate": Decimal(60)})
    agents, accounts, products = ctx["agents"], ctx["accounts"], ctx["products"]
    last_day = max(r["close_date"] for r in rows if r["close_date"])
    existing = set(Opportunity.objects.filter(idempotency_key__startswith="maven:")
                   .values_list("idempotency_key", flat=True))
    opportunities, plans, no_account = [], [], 0
    for row in rows:
        key = f"maven:{row['opportunity_id']}"
        if key in existing:
            continue
        agent = agents[row["sales_agent"]]
        product = products[PRODUCT_ALIASES.get(row["product"], row["product"])]
        stage_name = row["deal_stage"]
        engaged = _moment(row["engage_date"] or last_day)
        closed = _moment(row["close_date"]) if row["close_date"] else None
        status = {"Won": "won", "Lost": "lost"}.get(stage_name, "tracking")
        amount = Decimal(row["close_value"]) if closed else product.list_price
        customer = accounts[row["account"]] if row["account"] else None
        no_account += customer is None
        opportunities.append(Opportunity(
            subject=f"{row['product']} · {row['account']}" if customer else row["product"], customer=customer,
            owner=agent,
            team_id=agent.team_id, pipeline=pipeline, stage=prospecting if stage_name == "Prospecting" else engaging,
            amount=amount, expected_close_date=(closed or _moment(last_day)).date(), status=status,
            forecast_category={"won": "closed", "lost": "omitted"}.get(status, "pipeline"),
            created_at=engaged, stage_entered_at=engaged, closed_at=closed, idempotency_key=key, source="Maven CRM"))
        plans.append((stage_name, engaged, closed, status, product, amount))
    Opportunity.objects.bulk_create(opportunities, batch_size=2000)
    changes, lines = [], []
    for opportunity, (stage_name, engaged, closed, status, product, amount) in zip(opportunities, plans, strict=True):
        changes.append(StageChange(opportunity=opportunity, to_stage=prospecting, to_status="tracking",
                                   changed_at=engaged, changed_by=opportunity.owner))
        if stage_name != "Prospecting":
            changes.append(StageChange(opportunity=opportunity, from_stage=prospecting, to_stage=engaging,
                                       from_status="tracking", to_status="tracking", changed_at=engaged,
                                       changed_by=opportunity.owner))
        if closed:
            changes.append(StageChange(opportunity=opportunity, from_stage=engaging, to_stage=engaging,
                                       from_status="tracking", to_status=status, changed_at=closed,
                                       changed_by=opportunity.owner))
        lines.append(OpportunityLine(opportunity=opportunity, product=product, quantity=1, unit_price=amount,
                                     amount=amount))
    StageChange.objects.bulk_create(changes, batch_size=5000)
    OpportunityLine.objects.bulk_create(lines, batch_size=5000)
    ctx["summary"] += [
        f"sales pipeline: {len(opportunities)} opportunities ({len(rows) - len(opportunities)} already there), "
        f"{len(changes)} stage changes, pipeline 'Maven' (Prospecting, Engaging; Won/Lost are statuses)",
        "  open deals have no value in the file: their amount is the product's list price; their expected close "
        f"date (also absent) is {last_day}, the file's last day; Prospecting deals are dated {last_day} too",
        "  'GTXPro' in the pipeline is the product 'GTX Pro'",
        f"  {no_account} deals have no account in the file: they have no customer (account unknown)",
    ]
