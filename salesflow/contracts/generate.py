"""Generator step: contracts and orders for won deals, their payment plans, payments (with allocations and a few
reversals) and invoices, written with :func:`insert_rows` (COPY on PostgreSQL), never the ORM per row.

- One agreement per won opportunity (signed on the deal's close date, for the deal's amount, owner, team and
  region), plus repeat orders from the same customers until there are ``--scale`` agreements in all.
- Each plan has 1-4 instalments summing exactly to the amount. Payments are drawn per instalment from a delay
  distribution (most on time, a tail weeks or months late, a few never), so the overdue share falls into every
  ageing bucket relative to today. Running totals (``collected_amount`` on instalments and agreements,
  ``invoiced_amount``, ``planned_amount``) are the sums of the generated allocations and invoices.
- Invoices never exceed an instalment: issued ones carry a number, recent ones wait as requests for finance, a
  few were voided and issued again. ``invoiced_amount`` counts requested and issued invoices (not void ones).
- Every rep gets a showcase (so each flow can be tried in the demo): their latest won deal without an agreement
  ("create contract"), a draft, one pending approval, and four active agreements with a partly paid plan whose
  unpaid instalment is overdue by 1-30, 31-60, 61-90 and over 90 days, two of them with an invoice requested.
- The numbering counters continue after the generated numbers (HT-/DD-yyyymm-seq).
- The overdue reminder job is taken to have run today already (a reminder row per instalment overdue before
  yesterday), so the demo's first worker run reminds only what fell due yesterday instead of every overdue one.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Min
from django.urls import reverse

from salesflow.approvals.models import ApprovalRequest, ApprovalRule, ApprovalStep
from salesflow.approvals.services import planned_steps
from salesflow.core.generator import GenerateContext, insert_rows, next_id
from salesflow.core.registry import generator_steps
from salesflow.customers.models import Customer
from salesflow.org.models import User
from salesflow.pipeline.models import Opportunity, OpportunityLine

from .models import (
    Agreement,
    AgreementLine,
    AgreementStatusChange,
    Instalment,
    InstalmentReminder,
    Invoice,
    NumberingRule,
    NumberSequence,
    Payment,
    PaymentAllocation,
    Quotation,
    QuotationLine,
    rebuild_money_rollup,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)
CHUNK = 50_000
PATTERNS = {"contract": "HT-{yyyy}{mm}-{seq:04}", "order": "DD-{yyyy}{mm}-{seq:04}",
            "quotation": "BJ-{yyyy}{mm}-{seq:04}"}
PREFIX = {"contract": "HT", "order": "DD"}
SHARES = {1: [(1,)], 2: [(Decimal("0.5"), Decimal("0.5")), (Decimal("0.3"), Decimal("0.7"))],
          3: [(Decimal("0.3"), Decimal("0.6"), Decimal("0.1")), (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))],
          4: [(Decimal("0.25"),) * 4, (Decimal("0.3"), Decimal("0.3"), Decimal("0.3"), Decimal("0.1"))]}
OVERDUE_DAYS = (12, 45, 75, 130)  # the showcase's overdue instalments: one per ageing bucket
APPROVAL_RANGE = (Decimal(100_000), Decimal(1_000_000))  # the default rules: the team manager approves these
METHODS = ["bank_transfer"] * 16 + ["acceptance_bill"] * 3 + ["cheque", "other"]
REVERSAL_REASONS = ["银行退票", "付款账户有误，原路退回", "重复付款退回"]
ORDER_TITLES = ["补货订单", "备件采购订单", "扩容采购订单", "续费订单", "耗材采购订单"]


def _split(amount: Decimal, shares) -> list[Decimal]:
    parts = [(amount * Decimal(s)).quantize(CENT) for s in shares[:-1]]
    parts.append(amount - sum(parts, ZERO))
    return parts if all(p > 0 for p in parts) else [amount]


def _delay(rng) -> int:
    """Days between an instalment's due date and its payment: most on time, a tail late, a few never paid."""
    r = rng.random()
    if r < 0.55:
        return rng.randint(-15, 5)
    if r < 0.8:
        return rng.randint(6, 30)
    if r < 0.9:
        return rng.randint(31, 60)
    if r < 0.95:
        return rng.randint(61, 120)
    if r < 0.98:
        return rng.randint(121, 400)
    return 10**6


class _Writer:
    """Collects the rows of one chunk of agreements and keeps the id counters and running totals coherent."""

    def __init__(self, ctx: GenerateContext, finance_id):
        self.ctx, self.rng, self.finance_id = ctx, ctx.rng, finance_id
        self.today = ctx.day(ctx.now_ts)
        self.agreement_id = next_id(Agreement)
        self.instalment_id = next_id(Instalment)
        self.payment_id = next_id(Payment)
        self.invoice_seq = next_id(Invoice)
        self.sequences: dict[tuple[str, str], int] = {}
        self.owed: dict[int, Decimal] = {}  # per customer: outstanding on active and completed agreements
        self.drafts: list[tuple[int, Decimal]] = []  # (customer, amount) of drafts made from deals
        self.pending: list[tuple[int, Decimal]] = []  # (customer, amount) of agreements waiting for approval
        # Below the lowest agreement rule's amount a submitted agreement takes effect at once (no approval step).
        self.approval_from = ApprovalRule.objects.filter(kind="agreement", active=True, flag="").aggregate(
            m=Min("min_amount"))["m"]
        self.approvals = _ApprovedHistory()
        self.counts = dict.fromkeys(("agreements", "instalments", "payments", "allocations", "invoices",
                                     "status changes", "reminders", "lines", "approved requests"), 0)
        self.reset()

    def reset(self):
        self.agreements, self.instalments, self.payments, self.allocations = [], [], [], []
        self.invoices, self.changes, self.lines, self.reminders = [], [], [], []

    def moment(self, day: datetime.date, hours: float = 10.0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) + datetime.timedelta(hours=hours)

    def number(self, kind: str, signed: datetime.date) -> str:
        period = f"{signed:%Y%m}"
        seq = self.sequences[kind, period] = self.sequences.get((kind, period), 0) + 1
        return f"{PREFIX[kind]}-{period}-{seq:04}"

    def add(self, head, status: str | None, overdue: int | None = None, request_invoice: bool = False) -> None:
        """One agreement from ``head`` = (signed_on, kind, customer, opportunity, owner, team, region, amount,
        title, payer); ``status`` None lets the dates decide; ``overdue`` forces the showcase's plan."""
        rng, today = self.rng, self.today
        signed, kind, customer, opportunity, owner, team, region, amount, title, payer = head
        aid = self.agreement_id
        self.agreement_id += 1
        self.owner = owner
        age = (today - signed).days
        if status is None:
            r = rng.random()
            status = ("draft" if age <= 20 and r < 0.12 else "terminated" if age > 90 and r < 0.015 else "active")
        terms = rng.choice((15, 30, 30, 30, 45, 60, 90))
        # the plan
        if overdue is not None:
            dues = [signed + datetime.timedelta(days=min(10, age - overdue - 5)), today - datetime.timedelta(overdue)]
            parts = _split(amount, (Decimal("0.4"), Decimal("0.6")))
            dues = dues[:len(parts)] if len(parts) == 2 else [dues[1]]
        else:
            count = 1 if amount < 20000 else rng.choices((1, 2, 3, 4), weights=(40, 30, 20, 10))[0]
            parts = _split(amount, rng.choice(SHARES[count]))
            due = signed + datetime.timedelta(days=terms if len(parts) == 1 else rng.randint(3, 15))
            dues = []
            for k in range(len(parts)):
                dues.append(due)
                due += datetime.timedelta(days=rng.randint(30, 120) if k < len(parts) - 2 else 365
                                          if len(parts) > 2 else rng.randint(30, 150))
        agreement_collected, agreement_invoiced, last_paid, overdue_ids = ZERO, ZERO, None, []
        for seq, (part, due) in enumerate(zip(parts, dues, strict=True), start=1):
            iid = self.instalment_id
            self.instalment_id += 1
            collected = ZERO
            if status in ("active", "terminated"):
                if overdue is not None:
                    paid = [] if seq == 2 and overdue > 90 else [(part, due)] if seq == 1 else [
                        ((part * Decimal("0.3")).quantize(CENT), due + datetime.timedelta(days=3))]
                else:
                    paid = self.payments_for(part, due, signed)
                for value, on in paid:
                    self.pay(aid, iid, value, on, payer)
                    collected += value
                    last_paid = max(last_paid or on, on)
                agreement_invoiced += self.invoice(aid, part, due, signed, kind, collected,
                                                   request=request_invoice and seq == len(parts))
            self.instalments.append((iid, aid, seq, due, part, collected))
            if collected < part and due < today - datetime.timedelta(days=1):
                overdue_ids.append(iid)
            agreement_collected += collected
        if status == "active" and agreement_collected == amount and amount > 0:
            status = "completed"
        if status == "active":  # the worker already reminded these today; those due yesterday are still to remind
            self.reminders += [(iid, today) for iid in overdue_ids]
        if status in ("active", "completed"):
            self.owed[customer] = self.owed.get(customer, ZERO) + amount - agreement_collected
        elif status == "draft" and opportunity and amount >= 20_000:
            self.drafts.append((customer, amount))
        elif status == "pending":
            self.pending.append((customer, amount))
        created = self.moment(signed - datetime.timedelta(days=rng.randint(1, 6)), 9)
        number = self.number(kind, signed)
        self.agreements.append((
            aid, number, kind, title, customer, opportunity, owner, team, region, signed, signed,
            signed + datetime.timedelta(days=364) if kind == "contract" else None, amount, status, terms,
            f"签约后 {terms} 天内付款" if len(parts) == 1 else f"分 {len(parts)} 期付款", amount if parts else ZERO,
            agreement_collected, agreement_invoiced, created))
        self.history(aid, f"{number} {title}", status, created, signed, last_paid, owner, team, amount)

    def payments_for(self, part, due, signed):
        rng, today = self.rng, self.today
        on = max(signed, due + datetime.timedelta(days=_delay(rng)))
        if on <= today:
            if rng.random() < 0.15 and part >= 100:  # paid in two transfers
                first = (part * Decimal(rng.choice(("0.3", "0.5", "0.7")))).quantize(CENT)
                early = max(signed, on - datetime.timedelta(days=rng.randint(5, 40)))
                return [(first, early), (part - first, on)]
            return [(part, on)]
        partial_from = max(signed, due - datetime.timedelta(days=10))
        if rng.random() < 0.12 and partial_from <= today and part >= 100:  # some paid on account
            on = partial_from + datetime.timedelta(days=rng.randint(0, (today - partial_from).days))
            return [((part * Decimal(rng.choice(("0.2", "0.3", "0.5")))).quantize(CENT), on)]
        return []

    def pay(self, aid, iid, value, on, payer):
        rng = self.rng
        pid = self.payment_id
        method = rng.choice(METHODS)
        reference = f"{on:%Y%m%d}{pid:010d}"
        self.payments.append((pid, aid, on, value, method, reference, payer, None, "", self.finance_id,
                              self.moment(on, 15)))
        self.allocations.append((pid, iid, value))
        self.payment_id += 1
        back = on + datetime.timedelta(days=rng.randint(1, 7))
        again = back + datetime.timedelta(days=rng.randint(1, 10))
        if rng.random() < 0.004 and again <= self.today:  # returned by the bank, then paid again
            rid = self.payment_id
            self.payments.append((rid, aid, back, -value, method, "", payer, pid, rng.choice(REVERSAL_REASONS),
                                  self.finance_id, self.moment(back, 11)))
            self.allocations.append((rid, iid, -value))
            self.payments.append((rid + 1, aid, again, value, method, f"{again:%Y%m%d}{rid + 1:010d}", payer, None,
                                  "", self.finance_id, self.moment(again, 15)))
            self.allocations.append((rid + 1, iid, value))
            self.payment_id += 2

    def invoice(self, aid, part, due, signed, kind, collected, *, request=False) -> Decimal:
        """Invoice an instalment that is due (or paid); returns the amount counted as invoiced."""
        rng, today = self.rng, self.today
        if not request and (due > today + datetime.timedelta(days=15) and not collected or rng.random() < 0.2):
            return ZERO
        rate = Decimal(13 if kind == "order" else 6)
        tax = (part * rate / (100 + rate)).quantize(CENT)
        kind_of = "special" if rng.random() < 0.7 else "normal"
        on = min(today, max(signed, due - datetime.timedelta(days=rng.randint(0, 10))))
        requester = self.owner
        if request or (today - on).days < 7 and rng.random() < 0.5:  # waiting for finance
            self.invoices.append((aid, None, kind_of, part, rate, tax, "requested", None, requester, None,
                                  self.moment(on, 9), ""))
            return part
        if rng.random() < 0.01:  # issued with a wrong title, voided, issued again
            self.invoices.append((aid, self.invoice_number(on), kind_of, part, rate, tax, "void", on, requester,
                                  self.finance_id, self.moment(on, 9), "发票抬头有误"))
            on = min(today, on + datetime.timedelta(days=rng.randint(1, 5)))
        self.invoices.append((aid, self.invoice_number(on), kind_of, part, rate, tax, "issued", on, requester,
                              self.finance_id, self.moment(on, 9), ""))
        return part

    def invoice_number(self, on: datetime.date) -> str:
        self.invoice_seq += 1
        return f"{on:%y}{self.invoice_seq:018d}"  # 20 digits, as a fully digital (全电) invoice number

    def history(self, aid, name, status, created, signed, last_paid, owner, team, amount):
        """The status changes of an agreement and, when it was signed after an approval, that approval."""
        at = self.moment(signed, 8)
        rows = [(aid, "", "draft", created, owner, "")]
        approved = self.approval_from is not None and amount >= self.approval_from
        if status == "pending" or (status != "draft" and approved):
            submitted = created + datetime.timedelta(hours=2)
            rows.append((aid, "draft", "pending", submitted, owner, ""))
            if status != "pending":
                rows.append((aid, "pending", "active", at, None, ""))
                self.approvals.add(aid, name, owner, team, amount, submitted=submitted, decided=at)
        elif status != "draft":
            rows.append((aid, "draft", "active", at, owner, ""))
        if status == "completed":
            rows.append((aid, "active", "completed", self.moment(last_paid or signed, 18), None, ""))
        if status == "terminated":
            rows.append((aid, "active", "terminated", self.moment(min(self.today, signed + datetime.timedelta(
                days=60)), 16), owner, "客户经营困难，协商终止"))
        self.changes += rows

    def flush(self):
        c = self.counts
        c["agreements"] += insert_rows(Agreement, [
            "id", "number", "kind", "title", "customer_id", "opportunity_id", "owner_id", "team_id", "region_id",
            "signed_on", "start_on", "end_on", "amount", "status", "payment_terms_days", "payment_terms",
            "planned_amount", "collected_amount", "invoiced_amount", "created_at"], self.agreements)
        c["instalments"] += insert_rows(Instalment, ["id", "agreement_id", "sequence", "due_on", "amount",
                                                     "collected_amount"], self.instalments)
        c["payments"] += insert_rows(Payment, [
            "id", "agreement_id", "received_on", "amount", "method", "reference", "payer", "reversal_of_id",
            "reason", "recorded_by_id", "recorded_at"], self.payments)
        c["allocations"] += insert_rows(PaymentAllocation, ["payment_id", "instalment_id", "amount"],
                                        self.allocations)
        c["invoices"] += insert_rows(Invoice, [
            "agreement_id", "number", "type", "amount", "tax_rate", "tax", "status", "issued_on", "requested_by_id",
            "issued_by_id", "requested_at", "void_reason"], self.invoices)
        c["reminders"] += insert_rows(InstalmentReminder, ["instalment_id", "sent_on"], self.reminders)
        c["status changes"] += insert_rows(AgreementStatusChange, ["agreement_id", "from_status", "to_status", "at",
                                                                   "by_id", "note"], self.changes)
        c["approved requests"] += self.approvals.flush()
        self.reset()


class _ApprovedHistory:
    """The approval each signed agreement above the lowest rule's amount went through: an approved request with
    the steps :func:`approvals.services.planned_steps` names (what ``submit`` and ``decide`` would have left),
    each decided by its approver (a pool role by the first active user of that role) before signing."""

    def __init__(self):
        self.request_id = next_id(ApprovalRequest)
        self.content_type = ContentType.objects.get_for_model(Agreement).pk
        self.url = reverse("contracts:agreement-detail", args=[987654321]).replace("987654321", "{}")
        self.thresholds = sorted(ApprovalRule.objects.filter(kind="agreement", active=True, flag="")
                                 .values_list("min_amount", flat=True))
        self.users = User.objects.in_bulk()
        self.pools = {role: pk for role, pk in User.objects.filter(is_active=True).order_by("-pk")
                      .values_list("role", "pk")}  # the first active user of each role
        self.steps: dict[tuple[int, int], list[tuple[str, int | None, int | None]]] = {}
        self.requests, self.decisions = [], []

    def steps_of(self, owner: int, amount: Decimal):
        """(role, approver, who decided) per step: the same for every amount between two rule thresholds."""
        key = (owner, sum(1 for t in self.thresholds if t <= amount))
        if key not in self.steps:
            self.steps[key] = [(role, getattr(approver, "pk", None),
                                getattr(approver, "pk", None) or self.pools.get(role))
                               for role, approver in planned_steps("agreement", amount, self.users[owner])]
        return self.steps[key]

    def add(self, aid, name, owner, team, amount, *, submitted, decided):
        steps = self.steps_of(owner, amount)
        if not steps:
            return
        rid = self.request_id
        self.request_id += 1
        self.requests.append((rid, self.content_type, aid, name[:200], self.url.format(aid), "agreement", amount, [],
                              "", "approved", len(steps), owner, team, owner, submitted, decided))
        for position, (role, approver, decider) in enumerate(steps, start=1):
            at = decided - datetime.timedelta(hours=len(steps) - position)
            self.decisions.append((rid, position, role, approver, "approved", decider, "同意", at))

    def flush(self) -> int:
        count = insert_rows(ApprovalRequest, [
            "id", "content_type_id", "object_id", "document_repr", "document_url", "kind", "amount", "flags", "note",
            "status", "current_step", "owner_id", "team_id", "submitted_by_id", "submitted_at", "decided_at"],
            self.requests)
        insert_rows(ApprovalStep, ["request_id", "position", "role", "approver_id", "decision", "decided_by_id",
                                   "comment", "decided_at"], self.decisions)
        self.requests, self.decisions = [], []
        return count


def _heads(ctx: GenerateContext):
    """What each agreement is made from, in signing order, and the showcase's choices per rep."""
    rng, today = ctx.rng, ctx.day(ctx.now_ts)
    won = list(Opportunity.objects.filter(status="won", amount__gt=0).order_by("closed_at", "id").values_list(
        "id", "customer_id", "owner_id", "team_id", "region_id", "amount", "closed_at", "subject", "customer__name",
        "customer__created_at"))
    reps = {rep_id for rep_id, _team, _region in ctx.shared.get("reps", ())}
    by_rep: dict[int, list[int]] = {}
    for index, row in enumerate(won):
        if row[2] in reps:
            by_rep.setdefault(row[2], []).append(index)
    skip, forced = set(), {}
    for indexes in by_rep.values():
        latest = indexes[::-1]
        skip.add(latest[0])  # a won deal without an agreement: "create contract" can be tried
        recent = latest[1:15]
        waiting = [i for i in recent if APPROVAL_RANGE[0] <= won[i][5] < APPROVAL_RANGE[1]][:1]
        drafts = [i for i in recent if i not in waiting][:1]
        for index in drafts:
            forced[index] = ("draft", None, False)
        for index in waiting:  # the manager's approval is requested once the rows exist (see _request_approvals)
            forced[index] = ("pending", None, False)
        older = [i for i in latest[1:] if i not in forced
                 and (today - ctx.day(won[i][6].timestamp())).days > OVERDUE_DAYS[-1] + 40]
        for n, (index, days) in enumerate(zip(older, OVERDUE_DAYS, strict=False)):
            forced[index] = ("active", days, n < 2)
    ctx.shared["won_without_agreement"] = [won[i][0] for i in sorted(skip)]
    heads = []
    for index, (opp, customer, owner, team, region, amount, closed_at, subject, name, _born) in enumerate(won):
        if index in skip:
            continue
        kind = "order" if rng.random() < 0.35 else "contract"
        title = f"{subject}{'采购订单' if kind == 'order' else '合同'}"
        heads.append(((ctx.day(closed_at.timestamp()), kind, customer, opp, owner, team, region, amount, title,
                       name), forced.get(index)))
    extra = ctx.scale - len(heads)
    for _ in range(max(0, extra) if won else 0):  # repeat orders from customers who bought before
        _opp, customer, owner, team, region, _amount, _closed, _subject, name, born = rng.choice(won)
        start = min(today, ctx.day(born.timestamp()) + datetime.timedelta(days=10))
        signed = start + datetime.timedelta(days=int(rng.random() * (today - start).days))
        amount = Decimal(max(1000, round(rng.lognormvariate(10.3, 0.8), -2)))
        heads.append(((signed, "order", customer, None, owner, team, region, amount, rng.choice(ORDER_TITLES),
                       name), None))
    heads.sort(key=lambda h: h[0][0])
    return heads


@generator_steps.register("contracts", "contracts and orders for won deals, payment plans, payments, invoices",
                          order=50)
def generate_contracts(ctx: GenerateContext) -> None:
    finance = User.objects.filter(role="finance").order_by("id").values_list("id", flat=True).first()
    heads = _heads(ctx)
    writer = _Writer(ctx, finance)
    for start in range(0, len(heads), CHUNK):
        for head, forced in heads[start:start + CHUNK]:
            if forced:
                writer.add(head, forced[0], overdue=forced[1], request_invoice=forced[2])
            else:
                writer.add(head, None)
        writer.flush()
        ctx.log(f"  agreements: {writer.counts['agreements']:,}")
    _lines(writer)
    _sequences(writer.sequences)
    limits = _credit_limits(writer)
    _request_approvals(ctx, writer, limits)
    _quotations(ctx, writer)
    # PostgreSQL's bulk load runs with triggers off (session_replication_role): fill the money roll-up in one pass
    rebuild_money_rollup()
    ctx.log("  " + ", ".join(f"{n:,} {label}" for label, n in writer.counts.items()))


def _lines(writer: _Writer) -> None:
    """An agreement made from a deal carries the deal's lines (one INSERT ... SELECT)."""
    line, opportunity_line = AgreementLine._meta.db_table, Opportunity._meta.get_field("lines").related_model
    agreement = Agreement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {line} (agreement_id, position, product_id, description, quantity, unit, unit_price, "  # noqa: S608
            "discount_rate, tax_rate, amount) "
            f"SELECT a.id, 0, l.product_id, '', l.quantity, '', l.unit_price, 0, 0, l.amount "
            f"FROM {opportunity_line._meta.db_table} l JOIN {agreement} a ON a.opportunity_id = l.opportunity_id")
        writer.counts["lines"] = cursor.rowcount


def _credit_limits(writer: _Writer) -> dict[int, Decimal]:
    """Customers with receivables get a credit limit 200,000-250,000 above what they owe (a multiple of 50,000), so
    signing stays possible (pending agreements included); the customer of each draft gets one that its draft would
    exceed, so submitting it shows the credit check (a director's approval). Computed from the generated rows (the
    bulk load has no indexes)."""
    limits = {customer: (owed + 250_000) // 50_000 * 50_000 for customer, owed in writer.owed.items()}
    for customer, amount in writer.pending:  # within the limit: the team manager's approval alone is needed
        limits[customer] = (writer.owed.get(customer, ZERO) + amount + 250_000) // 50_000 * 50_000
    for customer, amount in writer.drafts:
        limits[customer] = (writer.owed.get(customer, ZERO) + amount / 2).quantize(Decimal(1))
    customers = [Customer(pk=pk, credit_limit=limit) for pk, limit in limits.items()]
    Customer.objects.bulk_update(customers, ["credit_limit"], batch_size=1000)
    return limits


def _request_approvals(ctx: GenerateContext, writer: _Writer, limits: dict[int, Decimal]) -> None:
    """Each pending agreement waits for the approval its rules require, started through the approvals service,
    flagged when it would take its customer over the credit limit (the agreements' credit rule, from the totals
    kept while generating: the bulk load has no index on the customer to sum by)."""
    try:
        from salesflow.approvals import services as approvals
    except ImportError:  # the approvals app is not installed
        return
    count = 0
    for agreement in Agreement.objects.filter(status="pending").select_related("owner", "customer"):
        limit = limits.get(agreement.customer_id, agreement.customer.credit_limit)
        flags = {"credit"} if limit and writer.owed.get(agreement.customer_id, ZERO) + agreement.amount > limit \
            else set()
        if flags:
            Agreement.objects.filter(pk=agreement.pk).update(credit_flagged=True)
        if approvals.submit(agreement, kind="agreement", amount=agreement.amount, actor=agreement.owner,
                            flags=flags, note="请审批") is not None:
            count += 1
    ctx.log(f"  {count:,} approval requests waiting")


def _quotations(ctx: GenerateContext, writer: _Writer) -> None:
    """Per rep: an accepted quotation on the won deal that has no agreement yet (make the contract from it) and a
    sent one on their most advanced open deal. Totals as the quotation service computes them (lines to the cent)."""
    rng, today = ctx.rng, writer.today
    deals = list(Opportunity.objects.filter(pk__in=ctx.shared.get("won_without_agreement", ())).values_list(
        "id", "customer_id", "owner_id", "team_id", "amount", "closed_at"))
    best = {}  # per rep: the most advanced, largest open deal (one read: the bulk load has no owner index)
    for *deal, order in Opportunity.objects.filter(status="tracking", amount__gt=0).values_list(
            "id", "customer_id", "owner_id", "team_id", "amount", "created_at", "stage__order").iterator(10_000):
        if deal[2] not in best or (order, deal[4]) > best[deal[2]][0]:
            best[deal[2]] = ((order, deal[4]), tuple(deal))
    reps = {rep_id for rep_id, _team, _region in ctx.shared.get("reps", ())}
    deals += [deal for rep_id, (_key, deal) in sorted(best.items()) if rep_id in reps]
    quotation_id, rows, lines, sequences = next_id(Quotation), [], [], {}
    prices = {}
    for line in OpportunityLine.objects.filter(opportunity__in=[d[0] for d in deals]).values_list(
            "opportunity_id", "product_id", "product__name", "quantity", "unit_price"):
        prices.setdefault(line[0], []).append(line[1:])
    for opp, customer, owner, team, amount, moment in deals:
        accepted = moment is not None and opp in ctx.shared.get("won_without_agreement", ())
        made = ctx.day(moment.timestamp()) - datetime.timedelta(days=10) if accepted else today - datetime.timedelta(
            days=rng.randint(2, 8))
        items = prices.get(opp) or [(None, "", Decimal(1), amount)]
        subtotal = discount_total = tax_total = ZERO
        for position, (product, name, quantity, unit_price) in enumerate(items, start=1):
            discount = Decimal(0 if accepted else rng.choice((0, 0, 5, 10)))  # the deal was won at its lines
            gross = (quantity * unit_price).quantize(CENT)
            net = (gross * (100 - discount) / 100).quantize(CENT)
            tax = (net * 13 / 100).quantize(CENT)
            lines.append((quotation_id, position, product, name or "项目实施与服务", quantity, "套", unit_price,
                          discount, Decimal(13), net, tax))
            subtotal, discount_total, tax_total = subtotal + gross, discount_total + gross - net, tax_total + tax
        period = f"{made:%Y%m}"
        seq = sequences[period] = sequences.get(period, 0) + 1
        rows.append((quotation_id, f"BJ-{period}-{seq:04}", opp, customer, owner, team,
                     "accepted" if accepted else "sent", made + datetime.timedelta(days=30 if accepted else 25),
                     "报价有效期 30 天；含税价，税率 13%；交付后 30 天内付款。", subtotal, discount_total, tax_total,
                     subtotal - discount_total + tax_total, writer.moment(made, 10), writer.moment(made, 16)))
        quotation_id += 1
    insert_rows(Quotation, ["id", "number", "opportunity_id", "customer_id", "owner_id", "team_id", "status",
                            "valid_until", "terms", "subtotal", "discount_total", "tax_total", "total", "created_at",
                            "sent_at"], rows, ctx=ctx, label="quotations")
    insert_rows(QuotationLine, ["quotation_id", "position", "product_id", "description", "quantity", "unit",
                                "unit_price", "discount_rate", "tax_rate", "amount", "tax"], lines)
    _sequences({("quotation", period): last for period, last in sequences.items()})


def _sequences(sequences: dict[tuple[str, str], int]) -> None:
    """Move the numbering counters past the generated numbers, so the next contract gets a fresh one."""
    rules = {}
    for kind, pattern in PATTERNS.items():
        rules[kind], _created = NumberingRule.objects.get_or_create(
            kind=kind, defaults={"pattern": pattern, "reset": NumberingRule.Reset.MONTHLY})
    for (kind, period), last in sequences.items():
        row, created = NumberSequence.objects.get_or_create(rule=rules[kind], period=period,
                                                            defaults={"last": last})
        if not created and row.last < last:
            NumberSequence.objects.filter(pk=row.pk).update(last=last)

