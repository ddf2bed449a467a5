"""The money roll-up, kept by database triggers, equals a rebuild from the records after every kind of write:
services and ``update()`` alike, owner transfers, status and date changes, a product changing series, deletes."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, ProtectedError, Q
from django.utils import timezone

from salesflow.activities.models import CUSTOMER_FOLLOWUP_MONTHLY, FOLLOWUP_DAILY
from salesflow.catalog.models import Product
from salesflow.contracts.models import (
    Agreement,
    AgreementLine,
    Instalment,
    Invoice,
    MonthlyMoney,
    Payment,
    rebuild_money_rollup,
)
from salesflow.contracts.models import rollup_sql as money_sql
from salesflow.contracts.receivables.selectors import (
    ageing,
    ageing_from_records,
    ageing_totals,
    collection_forecast,
    collection_stats,
    cut_months,
)
from salesflow.contracts.receivables.services import record_payment
from salesflow.core.periods import period_of
from salesflow.core.rollups import prune_trigger_names
from salesflow.org.models import Team, User
from salesflow.pipeline.models import WON_MONTHLY
from salesflow.pipeline.models import rollup_sql as funnel_sql
from salesflow.testing.generated import generated_data

FIELDS = ("measure", "month", "owner_id", "team_key", "region_id", "series")


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with generated_data(django_db_blocker, scale=300):
        yield


def kept() -> dict:
    rows = MonthlyMoney.objects.values_list(*FIELDS, "n", "value")
    return {tuple(r[:6]): (r[6], r[7]) for r in rows}


def assert_same_as_rebuilt():
    before = kept()
    assert not MonthlyMoney.objects.filter(n__lte=0).exists()  # a row emptied by a move is gone, not left at zero
    rebuild_money_rollup()
    assert before == kept()


def busy_agreement() -> Agreement:
    """A signed agreement with lines, payments, instalments and issued invoices."""
    return (Agreement.objects.exclude(status__in=["draft", "pending"])
            .annotate(p=Count("payments", distinct=True), i=Count("invoices", filter=Q(invoices__status="issued"),
                                                                  distinct=True),
                      l=Count("lines", distinct=True), d=Count("instalments", distinct=True))
            .filter(p__gt=0, i__gt=0, l__gt=0, d__gt=0).order_by("pk").first())


def test_the_generated_data_fills_every_measure(generated, db):
    assert set(MonthlyMoney.objects.filter(n__gt=0).values_list("measure", flat=True).distinct()) == set(
        MonthlyMoney.Measure.values)
    assert_same_as_rebuilt()



def test_each_twin_without_regions_equals_its_measure_summed_over_regions(generated, db):
    from django.db.models import Sum

    for measure in MonthlyMoney.Measure.values:
        twin = MonthlyMoney.without_region(measure)
        if twin is None:
            continue
        def by_person(name):
            rows = (MonthlyMoney.objects.filter(measure=name).values("month", "owner_id", "team_key")
                    .annotate(n=Sum("n"), v=Sum("value")).order_by())
            return {(r["month"], r["owner_id"], r["team_key"]): (r["n"], r["v"]) for r in rows}
        assert set(MonthlyMoney.objects.filter(measure=twin).values_list("region_id", flat=True)) == {0}
        assert by_person(twin) == by_person(measure) != {}, measure
    assert {MonthlyMoney.without_region(m) for m in ("signed", "collected", "due", "invoiced")} == {
        "signed_any_region", "collected_any_region", "due_any_region", "invoiced_any_region"}


def test_open_by_day_adds_up_to_open_by_month(generated, db):
    from django.db.models import Sum

    def by_month(rows):
        months: dict = {}
        for r in rows.values("month", "owner_id", "team_key", "n", "value"):
            key = (r["month"].replace(day=1), r["owner_id"], r["team_key"])
            n, value = months.get(key, (0, Decimal(0)))
            months[key] = (n + r["n"], value + r["value"])
        return months

    daily = MonthlyMoney.objects.filter(measure="open_by_day")
    assert daily.exclude(month__day=1).exists()  # placed on their days, not on the first of the month
    assert by_month(daily) == by_month(MonthlyMoney.objects.filter(measure="open")) != {}
    assert daily.aggregate(v=Sum("value"))["v"] > 0


def test_agreement_changes_move_its_money_and_that_of_its_lines_payments_instalments_and_invoices(generated, db):
    agreement = busy_agreement()
    assert agreement is not None
    other = User.objects.filter(role="rep").exclude(pk=agreement.owner_id).exclude(team=agreement.team).first()
    before = kept()
    Agreement.objects.filter(pk=agreement.pk).update(owner=other, team=other.team)  # a transfer, past any signal
    moved = kept()
    assert moved != before
    assert sum(v for (m, _mo, owner, *_), (_n, v) in moved.items() if owner == other.pk and m == "collected") > sum(
        v for (m, _mo, owner, *_), (_n, v) in before.items() if owner == other.pk and m == "collected")
    assert_same_as_rebuilt()
    Agreement.objects.filter(pk=agreement.pk).update(signed_on=agreement.signed_on - datetime.timedelta(days=40),
                                                     amount=agreement.amount + Decimal("0.01"))
    assert_same_as_rebuilt()
    Agreement.objects.filter(pk=agreement.pk).update(status="draft")  # no longer signed: out of signed and lines
    assert_same_as_rebuilt()
    Agreement.objects.filter(pk=agreement.pk).update(status="active", region=None)
    assert_same_as_rebuilt()
    reps = list(User.objects.filter(role="rep").order_by("pk")[:2])
    Agreement.objects.filter(owner=reps[0]).update(owner=reps[1])  # many at once
    assert_same_as_rebuilt()
    agreement.refresh_from_db()
    agreement.amount += 1  # a model save writes every column
    agreement.save()
    assert_same_as_rebuilt()


def test_line_payment_instalment_invoice_and_product_changes(generated, db):
    agreement = busy_agreement()
    line = agreement.lines.exclude(product=None).first()
    AgreementLine.objects.filter(pk=line.pk).update(amount=line.amount + 5)
    AgreementLine.objects.create(agreement=agreement, product=line.product, quantity=1, unit_price=7, amount=7)
    assert_same_as_rebuilt()
    Product.objects.filter(pk=line.product_id).update(series="新系列")
    assert kept().get(("product_lines", agreement.signed_on.replace(day=1), agreement.owner_id,
                       agreement.team_id or 0, agreement.region_id or 0, "新系列")) is not None
    assert_same_as_rebuilt()
    payment = agreement.payments.first()
    Payment.objects.filter(pk=payment.pk).update(received_on=payment.received_on + datetime.timedelta(days=35),
                                                 amount=payment.amount - 1)
    assert_same_as_rebuilt()
    invoice = agreement.invoices.filter(status="issued").first()
    Invoice.objects.filter(pk=invoice.pk).update(status="void")
    assert_same_as_rebuilt()
    instalment = agreement.instalments.first()
    Instalment.objects.filter(pk=instalment.pk).update(due_on=instalment.due_on + datetime.timedelta(days=70))
    assert_same_as_rebuilt()
    AgreementLine.objects.filter(pk=line.pk).delete()
    Invoice.objects.filter(agreement=agreement).delete()
    assert_same_as_rebuilt()
    candidates = (Agreement.objects.exclude(status__in=["draft", "pending"]).filter(payments=None, invoices=None)
                  .annotate(l=Count("lines"), d=Count("instalments")).filter(l__gt=0, d__gt=0))
    for unpaid in candidates[:50]:  # one no commission statement refers to
        try:
            with transaction.atomic():
                unpaid.delete()  # with its lines and payment plan
            break
        except ProtectedError:
            continue
    assert not Agreement.objects.filter(pk=unpaid.pk).exists()
    assert_same_as_rebuilt()


def test_a_rebuild_restores_a_damaged_rollup(generated, db):
    good = kept()
    MonthlyMoney.objects.filter(measure="signed").update(value=0)
    assert kept() != good
    assert rebuild_money_rollup() > 0
    assert kept() == good


def test_emptying_the_rollup_before_its_records_leaves_it_empty(generated, db):
    """A test database flush on SQLite runs ``DELETE FROM`` over every table in no fixed order: the records' delete
    triggers then run against an empty roll-up and must not leave negative rows behind (they did, and a later
    dashboard met a region id that no longer existed)."""
    assert MonthlyMoney.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_monthlymoney")
        for table in ("contracts_invoice", "contracts_agreementline"):
            cursor.execute(f"DELETE FROM {table} WHERE agreement_id % 2 = 0")  # noqa: S608
        cursor.execute("DELETE FROM contracts_payment WHERE agreement_id % 2 = 0 AND id NOT IN (SELECT payment_id "
                       "FROM contracts_paymentallocation) AND id NOT IN (SELECT payment_id FROM "
                       "performance_statementline WHERE payment_id IS NOT NULL)")
        cursor.execute("DELETE FROM contracts_monthlymoney WHERE id % 3 = 0")  # some rows gone, some not
        cursor.execute("UPDATE contracts_agreement SET amount = amount + 1 WHERE id % 5 = 0")
    assert not MonthlyMoney.objects.filter(n__lte=0).exists()


def test_open_receivables_follow_payments_status_changes_and_transfers(generated, db):
    agreement = (Agreement.objects.filter(status="active", instalments__collected_amount__lt=F("instalments__amount"))
                 .order_by("pk").first())
    open_before = agreement.amount - agreement.collected_amount
    record_payment(agreement, amount=min(open_before, Decimal("10.00")), received_on=datetime.date.today(),
                   actor=None)  # allocated to its instalments: their collected amounts move
    assert_same_as_rebuilt()
    instalment = agreement.instalments.filter(collected_amount__lt=F("amount")).order_by("due_on").first()
    Instalment.objects.filter(pk=instalment.pk).update(collected_amount=instalment.amount)  # paid in full
    assert_same_as_rebuilt()
    Agreement.objects.filter(pk=agreement.pk).update(status="terminated")  # no longer receivable
    assert_same_as_rebuilt()
    Agreement.objects.filter(pk=agreement.pk).update(status="completed")
    assert_same_as_rebuilt()


@pytest.mark.parametrize("days_ahead", [0, 1, 6, 13, 17, 29, 45])  # the bucket edges fall on other days of the month
def test_ageing_from_the_rollup_equals_the_ageing_of_the_instalments(generated, db, days_ahead):
    as_of = timezone.localdate() + datetime.timedelta(days=days_ahead)
    team = Team.objects.filter(parent__isnull=False).order_by("pk").first()
    readers = [User.objects.get(username=name) for name in ("director", "finance")] + [
        User.objects.filter(role=role).order_by("pk").first() for role in ("manager", "rep")]
    assert MonthlyMoney.objects.filter(measure="open").exists()
    for user in readers:
        for group_by in (None, "rep", "team"):
            full = ageing_from_records(user, as_of, group_by)
            assert ageing(user, as_of, group_by) == full, (user, group_by)
            assert ageing(user, as_of, group_by, limit=2) == {**full, "rows": full["rows"][:2]}, (user, group_by)
        assert ageing_totals(user, as_of=as_of) == full["totals"], user
        assert full["totals"]["total"] > 0 or user.role == "rep"
    subtree = list(team.subtree().values_list("pk", flat=True))
    by_team = [r for r in ageing_from_records(readers[0], as_of, "team")["rows"] if r["key"] in subtree]
    of_team = ageing_totals(readers[0], teams=subtree, as_of=as_of)
    for bucket in ("not_due", "d1_30", "d31_60", "d61_90", "d90_plus", "total", "overdue"):
        assert of_team[bucket] == sum((r[bucket] for r in by_team), Decimal("0.00")), bucket
    assert of_team["total"] > 0



def test_collection_statistics_and_forecast_from_the_rollup_equal_those_of_the_records(generated, db):
    today = timezone.localdate()
    readers = [None] + [User.objects.get(username=name) for name in ("director", "finance")] + [
        User.objects.filter(role=role).order_by("pk").first() for role in ("manager", "rep")]
    last_year = period_of("year", today.replace(year=today.year - 1))
    spans = [(period_of("year", today), "month"), (period_of("quarter", today), "month"),
             (period_of("month", today), "month"), (period_of("year", today), "quarter"), (last_year, "year"),
             (last_year, "quarter")]
    for user in readers:
        for period, by in spans:
            rolled = collection_stats(user, period, by)
            assert rolled == collection_stats(user, period, by, rollup=False), (user, period.label, by)
        for when in (today, today.replace(day=1), today - datetime.timedelta(days=400)):
            assert collection_forecast(user, 4, when) == collection_forecast(user, 4, when, rollup=False), user
    everything = collection_stats(None, period_of("year", today), "month")["totals"]
    assert everything["signed"] > 0 and everything["collected"] > 0 and everything["invoiced"] > 0
    forecast = collection_forecast(None, 4, today)
    assert forecast["overdue_before"] > 0 and sum(r["planned"] for r in forecast["rows"]) > 0
    assert any(0 < r["collected"] < r["planned"] for r in forecast["rows"])


def test_the_months_a_bucket_edge_cuts():
    assert cut_months(datetime.date(2026, 11, 24)) == [datetime.date(2026, m, 1) for m in (8, 9, 10, 11)]
    # 2026-03-01 itself and 90 days before it (2025-12-01) start a month: only two months are cut
    assert cut_months(datetime.date(2026, 3, 1)) == [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]


def test_ageing_totals_refuse_a_past_date(db):
    with pytest.raises(ValueError):
        ageing_totals(None, as_of=timezone.localdate() - datetime.timedelta(days=1))


def test_every_rollup_trigger_is_installed_after_all_migrations(db):
    """A migration that makes SQLite rebuild a table drops its triggers silently: the roll-ups would then stop
    following the records. After all migrations every trigger the roll-ups rely on is in place."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        installed = {name for (name,) in cursor.fetchall()}
    if vendor == "sqlite":
        expected = {*money_sql.SQLITE_TRIGGERS, *funnel_sql.SQLITE_TRIGGERS}
    else:
        expected = {name for name, _table in money_sql.POSTGRES_TRIGGERS} | {
            name for name, _table, _function in funnel_sql.POSTGRES_TRIGGERS}
    for kept_by_time in (WON_MONTHLY, FOLLOWUP_DAILY, CUSTOMER_FOLLOWUP_MONTHLY):
        expected |= set(kept_by_time.trigger_names(vendor))
    for table in ("contracts_monthlymoney", "pipeline_funnelrollup", "pipeline_wonmonthly", "activities_followupdaily",
                  "activities_customerfollowupmonthly"):
        expected |= set(prune_trigger_names(table, vendor))
    assert len(expected) >= 15
    assert expected - installed == set()
