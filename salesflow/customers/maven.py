"""maven-crm step 20: accounts.csv -> customers.

The file has no account owner; each account is owned by the agent with the most deals on it in
sales_pipeline.csv (ties: alphabetical), so reps see their accounts. Source typos (``technolgy``,
``Philipines``) are kept as they are: they are the data.
"""

from collections import Counter, defaultdict

from salesflow.core.maven import read_csv
from salesflow.core.registry import maven_steps

from .models import Customer


def size_for(employees: int) -> str:
    for limit, size in ((20, "micro"), (100, "small"), (500, "medium"), (2000, "large")):
        if employees < limit:
            return size
    return "enterprise"


@maven_steps.register("accounts", "accounts.csv: customers, owned by their busiest agent", order=20)
def import_accounts(folder, ctx, stdout):
    deals = defaultdict(Counter)
    for row in read_csv(folder, "sales_pipeline.csv"):
        if row["account"]:
            deals[row["account"]][row["sales_agent"]] += 1
    agents = ctx.get("agents", {})
    accounts, created = {}, 0
    for row in read_csv(folder, "accounts.csv"):
        name = row["account"].strip()
        counts = deals.get(name)
        owner = None
        if counts:
            best = max(counts.values())
            owner = agents.get(sorted(a for a, n in counts.items() if n == best)[0])
        notes = f"established {row['year_established']}; revenue {row['revenue']}M USD; {row['employees']} employees"
        if row["subsidiary_of"]:
            notes += f"; subsidiary of {row['subsidiary_of']}"
        customer, is_new = Customer.objects.update_or_create(
            external_id=f"maven:{name}",
            defaults={"name": name, "industry": row["sector"], "size": size_for(int(row["employees"])),
                      "address": row["office_location"], "notes": notes, "owner": owner,
                      "team_id": owner.team_id if owner else None, "source": "Maven CRM"},
        )
        created += is_new
        accounts[name] = customer
    ctx["accounts"] = accounts
    ctx["summary"].append(f"accounts: {len(accounts)} customers ({created} new, {len(accounts) - created} updated)")
