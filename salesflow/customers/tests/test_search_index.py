"""The customer search reads an index on SQLite (gram table kept by triggers) and trigram indexes on PostgreSQL;
either way it must return exactly what the plain conditions return (a scan of every row)."""

import pytest
from django.db import connection

from salesflow.customers.models import Customer
from salesflow.customers.search import conditions
from salesflow.testing import factories

NAMES = ["北京华信科技有限公司", "上海华信", "华信", "深圳华为技术", "Acme Trading 华信 Ltd", "ACME trading",
         "广州信华贸易", "a", "Ünïcode Ärger GmbH", "100%_Pure 有限公司"]
QUERIES = ["华信", "华", "信华", "北京华信科技", "科技有限", "acme", "ACME TRA", "Trading 华", "ünï", "Ünï", "ärger",
           "138", "13800138000", "0013", "91110000MA01ABCD2X", "91110000ma01abcd2x", "boss@Acme.example",
           "BOSS@acme.EXAMPLE", "%", "_P", "100%_", "无此客户", "a", "华信科", "司"]


def _expected(text):
    return set(Customer.objects.filter(conditions(text)).values_list("pk", flat=True))


def _found(text):
    return set(Customer.objects.search(text).values_list("pk", flat=True))


@pytest.fixture
def customers(org):
    made = []
    for i, name in enumerate(NAMES):
        made.append(factories.make_customer(org.rep_a, name=name, phone=f"1380013{i:04d}"))
    made[0].credit_code = "91110000MA01ABCD2X"
    made[0].save()
    made[4].email = "boss@acme.example"
    made[4].save()
    return made


def test_search_returns_exactly_what_the_plain_conditions_return(customers):
    for text in QUERIES:
        assert _found(text) == _expected(text), text
    assert _found("华信") == {customers[0].pk, customers[1].pk, customers[2].pk, customers[4].pk}
    assert _found("acme") == {customers[4].pk, customers[5].pk}
    assert _found("boss@ACME.example") == {customers[4].pk}


def test_search_follows_renames_phone_changes_and_deletes(customers):
    renamed = customers[2]
    renamed.name = "星辰软件"
    renamed.phone = "02087654321"
    renamed.save()
    assert renamed.pk not in _found("华信")
    assert _found("星辰") == {renamed.pk}
    assert _found("8765") == {renamed.pk}
    assert _found("13800130002") == set()
    Customer.objects.filter(pk=customers[1].pk).update(name="上海明珠")  # a bulk write too
    assert customers[1].pk not in _found("华信")
    assert _found("明珠") == {customers[1].pk}
    customers[0].delete()
    assert _found("华信") == {customers[4].pk}
    for text in QUERIES:
        assert _found(text) == _expected(text), text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the gram index is SQLite's")
def test_sqlite_search_of_two_characters_reads_the_gram_index_not_every_row(customers):
    sql, params = Customer.objects.search("华信").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "customers_customer_gram" in plan
    assert "SCAN customers_customer " not in f"{plan} ", plan
