from datetime import date
from decimal import Decimal

from salesflow.catalog.models import PriceList, Product, RoleDiscountLimit, price_for


def product_data(**row):
    data = {"products-TOTAL_FORMS": 1, "products-INITIAL_FORMS": 0, "products-0-code": "P-1",
            "products-0-name": "服务器", "products-0-list_price": "19999", "products-0-active": "on",
            "products-0-unit": "台", "products-0-cost": "12000", "products-0-tax_rate": "13"}
    data.update({f"products-0-{k}": v for k, v in row.items()})
    return data


def test_product_page_is_admin_only(org, client_for):
    assert client_for(org.director).get("/catalog/products/").status_code == 403
    assert client_for(org.finance).get("/catalog/products/").status_code == 403
    assert client_for(org.admin).get("/catalog/products/").status_code == 200


def test_admin_adds_a_product(org, client_for):
    response = client_for(org.admin).post("/catalog/products/", product_data())
    assert response.status_code == 302 and response["Location"] == "/catalog/products/"
    assert Product.objects.get(code="P-1").list_price == 19999


def test_negative_list_price_is_refused_with_the_form_shown_again(org, client_for):
    response = client_for(org.admin).post("/catalog/products/", product_data(list_price="-1"))
    assert response.status_code == 400
    assert not Product.objects.filter(code="P-1").exists()


def test_product_keeps_unit_cost_and_tax_rate(org, client_for):
    client_for(org.admin).post("/catalog/products/", product_data(tax_rate="6", cost="15000.50"))
    product = Product.objects.get(code="P-1")
    assert (product.unit, product.cost, product.tax_rate) == ("台", Decimal("15000.50"), Decimal("6"))
    assert product.gross_margin == Decimal("25.0")


def test_tax_rate_above_100_is_refused(org, client_for):
    response = client_for(org.admin).post("/catalog/products/", product_data(tax_rate="101"))
    assert response.status_code == 400
    assert not Product.objects.filter(code="P-1").exists()


def test_role_discount_limits_are_seeded(db):
    assert dict(RoleDiscountLimit.objects.values_list("role", "max_discount")) == {
        "rep": 10, "manager": 20, "director": 30, "admin": 100}


def test_admin_edits_a_role_discount_limit(org, client_for):
    limits = list(RoleDiscountLimit.objects.all())
    data = {"limits-TOTAL_FORMS": len(limits), "limits-INITIAL_FORMS": len(limits)}
    for i, limit in enumerate(limits):
        data |= {f"limits-{i}-id": limit.pk, f"limits-{i}-role": limit.role,
                 f"limits-{i}-max_discount": "15" if limit.role == "rep" else limit.max_discount}
    assert client_for(org.director).post("/catalog/discount-limits/", data).status_code == 403
    response = client_for(org.admin).post("/catalog/discount-limits/", data)
    assert response.status_code == 302
    assert RoleDiscountLimit.max_for(org.rep_a) == 15


def test_admin_creates_a_price_list_with_a_price(org, client_for):
    product = Product.objects.create(code="P-9", name="交换机", list_price=1000)
    response = client_for(org.admin).post("/catalog/price-lists/new/", {
        "name": "经销商价", "currency": "CNY", "valid_from": "2026-01-01", "valid_to": "2026-12-31", "active": "on",
        "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-0-product": product.pk, "items-0-price": "850"})
    assert response.status_code == 302, response.content.decode()[:2000]
    price_list = PriceList.objects.get(name="经销商价")
    assert price_for(product, price_list) == Decimal("850")
    assert price_for(product, None) == Decimal("1000")
    assert list(PriceList.objects.valid_on(date(2027, 1, 1))) == []


def test_price_list_ending_before_it_starts_is_refused(org, client_for):
    response = client_for(org.admin).post("/catalog/price-lists/new/", {
        "name": "错", "currency": "CNY", "valid_from": "2026-12-31", "valid_to": "2026-01-01", "active": "on",
        "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0})
    assert response.status_code == 400
    assert not PriceList.objects.exists()
