from salesflow.catalog.models import Product


def product_data(**row):
    data = {"products-TOTAL_FORMS": 1, "products-INITIAL_FORMS": 0, "products-0-code": "P-1",
            "products-0-name": "服务器", "products-0-list_price": "19999", "products-0-active": "on"}
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
