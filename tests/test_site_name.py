"""The product is called 智慧校园评估平台 in every header and title, or by the city's own name
when the administrator sets one (issue 8, 9); the code name campuseval is never shown."""

from __future__ import annotations


def test_the_header_and_title_carry_the_products_name_not_the_code_name(client, db):
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()
    html = client.get("/rubrics/").content.decode()
    assert "智慧校园评估平台" in html.split("</title>")[0]
    assert "campuseval" not in html.split("<body")[1].split("<script")[0].replace("/static/", "")


def test_a_city_may_give_the_platform_its_own_name(client, db, settings):
    settings.SITE_NAME = "滁州市智慧校园评估平台"
    html = client.get("/rubrics/").content.decode()
    assert "<title>" in html and "滁州市智慧校园评估平台</title>" in html
    assert 'class="navbar-brand me-auto"' in html and "滁州市智慧校园评估平台" in html.split('class="navbar-brand')[1][:200]
