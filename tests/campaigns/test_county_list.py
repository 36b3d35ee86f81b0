"""The recommendation list (推荐名单表): the page, its .xlsx and .docx, and its lock at the deadline."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.exports import HEADERS, ListHead, ListRow, recommendation_list_xlsx
from campuseval.campaigns.models import Status

from .test_county_support import make_school, submitted


def list_url(campaign, tail="list/", county=None):
    return f"/campaigns/county/{campaign.pk}/{tail}" + (f"?county={county}" if county else "")


@pytest.fixture
def recommended(campaign, cast):
    """County A recommends 示范 school_a (110) and 优秀 第二小学 (107); 第三小学 is not recommended."""
    a = submitted(campaign, cast.school_a, cast.school_user_a, contact="李老师", phone="0550-1234567",
                  highlights="“三个课堂”常态化应用")
    second = submitted(campaign, make_school(cast.county_a, 41, "琅琊区第二小学"), cast.county_admin_a,
                       tier="优秀型", lose=("1.1.2", "1.1.3", "1.1.4"), highlights="=HYPERLINK(\"http://x\")")
    third = submitted(campaign, make_school(cast.county_a, 42, "琅琊区第三小学"), cast.county_admin_a)
    b = submitted(campaign, cast.school_b, cast.school_user_b)
    for app in (a, second, b):
        s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
    s.application_recommend(by=cast.county_admin_a, application=third, recommend=False)
    return {"a": a, "second": second, "third": third, "b": b}


def test_the_page_lists_the_countys_recommended_schools_with_self_scores(client, cast, campaign, recommended):
    client.force_login(cast.county_admin_a)
    body = client.get(list_url(campaign)).content.decode()
    for head in HEADERS:
        assert head.partition("（")[0] in body  # the page's 申报类型 without the printed form's （示范\优秀\合格）
    assert "琅琊区示例第一小学" in body
    assert "李老师" in body and "0550-1234567" in body
    assert "“三个课堂”常态化应用" in body
    assert "琅琊区第三小学" not in body  # not recommended
    assert cast.school_b.name not in body  # another county
    assert body.index("琅琊区示例第一小学") < body.index("琅琊区第二小学")  # 示范型 first
    assert ">110<" in body and ">107<" in body
    assert "名单将于 2022-09-01 07:59（县级初评截止）锁定" in body
    assert "移出名单" in body


def test_the_xlsx_export_opens_and_lists_the_recommended_schools(client, cast, campaign, recommended):
    cast.county_admin_a.phone = "0550-7654321"
    cast.county_admin_a.save()
    client.force_login(cast.county_admin_a)
    r = client.get(list_url(campaign, "list.xlsx"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    ws = load_workbook(BytesIO(r.content)).active
    assert ws["A1"].value == f"{campaign.name} 推荐名单"
    assert "琅琊区" in ws["A2"].value
    assert "测试countya" in ws["A2"].value and "0550-7654321" in ws["A2"].value
    assert [c.value for c in ws[3]] == list(HEADERS)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    assert rows[0] == [1, "琅琊区示例第一小学", "李老师", "0550-1234567", "示范型", 110, "“三个课堂”常态化应用"]
    assert rows[1][:6] == [2, "琅琊区第二小学", "王老师", "13800000000", "优秀型", 107]
    # A school's text never runs as a formula.
    assert rows[1][6] == "'=HYPERLINK(\"http://x\")"
    assert ws.cell(6, 1).value.startswith("共 2 所")
    assert ws["B4"].border.left.style == "thin"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.orientation == "landscape"
    assert AuditRecord.objects.filter(action="export", object_type="campaigns.application").exists()


def test_the_docx_export_opens_and_lists_the_recommended_schools(client, cast, campaign, recommended):
    from docx import Document

    client.force_login(cast.county_admin_a)
    r = client.get(list_url(campaign, "list.docx"))
    assert r.status_code == 200
    doc = Document(BytesIO(r.content))
    assert doc.paragraphs[0].text == f"{campaign.name} 推荐名单"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(HEADERS)
    assert [c.text for c in table.rows[1].cells][:6] == ["1", "琅琊区示例第一小学", "李老师", "0550-1234567", "示范型", "110"]
    assert len(table.rows) == 3


def test_a_city_admin_exports_any_countys_list_without_a_county_contact(client, cast, campaign, recommended):
    client.force_login(cast.city_admin)
    r = client.get(list_url(campaign, "list.xlsx", county=cast.county_b.code))
    ws = load_workbook(BytesIO(r.content)).active
    assert "南谯区" in ws["A2"].value
    assert ws["B4"].value == cast.school_b.name
    assert ws["B5"].value is None
    assert "测试cityadmin" not in ws["A2"].value


def test_a_county_admin_cannot_export_another_countys_list(client, cast, campaign, recommended):
    client.force_login(cast.county_admin_a)
    assert client.get(list_url(campaign, "list.xlsx", county=cast.county_b.code)).status_code == 404
    assert client.get(list_url(campaign, county=cast.county_b.code)).status_code == 404


def test_a_school_user_gets_403_on_the_list_and_its_export(client, cast, campaign, recommended):
    client.force_login(cast.school_user_a)
    assert client.get(list_url(campaign)).status_code == 403
    assert client.get(list_url(campaign, "list.xlsx")).status_code == 403


def test_after_the_county_deadline_the_list_is_locked_and_unchanged(client, cast, campaign, clock, recommended):
    clock.stage(campaign, "city_review")
    client.force_login(cast.county_admin_a)
    body = client.get(list_url(campaign)).content.decode()
    assert "县级初评已于 2022-09-01 07:59 锁定" in body
    assert "移出名单" not in body
    app = recommended["second"]
    r = client.post(f"/campaigns/county/review/{app.pk}/recommend/", {"decision": "not_recommend", "next": "list"})
    assert r["Location"] == list_url(campaign)
    body = client.get(r["Location"]).content.decode()
    assert "“县级初评”已于 2022-09-01 07:59 截止" in body
    app.refresh_from_db()
    assert app.status == Status.RECOMMENDED
    third = recommended["third"]
    client.post(f"/campaigns/county/review/{third.pk}/recommend/", {"decision": "recommend"})
    third.refresh_from_db()
    assert third.status == Status.NOT_RECOMMENDED
    ws = load_workbook(BytesIO(client.get(list_url(campaign, "list.xlsx")).content)).active
    assert "锁定" in ws.cell(6, 1).value


def test_removing_a_school_from_the_list_before_the_deadline(client, cast, campaign, recommended):
    client.force_login(cast.county_admin_a)
    app = recommended["second"]
    r = client.post(f"/campaigns/county/review/{app.pk}/recommend/", {"decision": "not_recommend", "next": "list"}, follow=True)
    body = r.content.decode()
    assert "已将琅琊区第二小学设为不推荐" in body
    assert ">琅琊区第二小学</a>" not in body


def test_the_export_function_writes_an_empty_list_too():
    data = recommendation_list_xlsx(ListHead(title="测试 推荐名单", county="琅琊区"), [])
    ws = load_workbook(BytesIO(data)).active
    assert ws["A1"].value == "测试 推荐名单"
    assert ws.cell(4, 1).value == "共 0 所。"


def test_the_export_function_prints_half_points_as_they_are():
    row = ListRow(school="甲校", contact="", phone="", tier="合格型", score=92.5, highlights="")
    ws = load_workbook(BytesIO(recommendation_list_xlsx(ListHead(title="t", county="c"), [row]))).active
    assert ws["F4"].value == 92.5


def test_on_a_phone_the_list_scrolls_sideways_and_never_wraps_a_name_per_character(
    browser, live_server, transactional_db, cast, campaign, client, settings
):
    app = submitted(campaign, cast.school_a, cast.school_user_a, contact="欧阳明远", phone="0550-1234567",
                    highlights="“三个课堂”常态化应用，智慧课堂覆盖全部学科，" * 4)
    s.application_recommend(by=cast.county_admin_a, application=app, recommend=True)
    client.force_login(cast.county_admin_a)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}{list_url(campaign)}")

    row = page.locator(f'tr[data-application="{app.pk}"]')
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td')).lineHeight)")
    for column, text in ((2, "琅琊区示例第一小学"), (3, "欧阳明远"), (4, "0550-1234567"), (5, "示范型")):
        cell = row.locator("td").nth(column - 1)
        assert text in cell.inner_text()
        content = cell.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td);"
                                " return r.getBoundingClientRect().height; }")
        assert content <= 2 * line + 1, (text, content, line)  # at most two lines, never a column of characters
    scroller = page.locator(".table-responsive")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls instead of squeezing
    context.close()
