"""The 自评表 round trip: the school downloads the sheet, fills it in Excel or WPS offline (here:
openpyxl, as a user would type into the yellow cells), and uploads it back. A valid sheet
saves through the page's own service; a sheet with any bad cell saves nothing and names
every bad cell by row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from campuseval.campaigns import services as s
from campuseval.campaigns.models import IndicatorScore
from campuseval.filings import roundtrip
from campuseval.rubricfile.load import find_rubric, to_engine

TAIZHOU = to_engine(find_rubric("taizhou-2022"))


def blank_sheet(rubric=TAIZHOU):
    return roundtrip.FillSheet("自评表", "某学校", tuple(
        roundtrip.FillRow(i.code, i.text, i.points, None, i.has_clause, None, "", 0) for i in rubric.indicators
    ))


def fill(body, values):
    """Type into the sheet: ``values`` maps an indicator code to {column letter: value}."""
    wb = load_workbook(BytesIO(body))
    ws = wb[roundtrip.SHEET]
    for row in ws.iter_rows(min_row=roundtrip.FIRST):
        code = row[0].value
        for column, value in values.get(code, {}).items():
            ws[f"{column}{row[0].row}"] = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(body, code):
    ws = load_workbook(BytesIO(body))[roundtrip.SHEET]
    return next(r[0].row for r in ws.iter_rows(min_row=roundtrip.FIRST) if r[0].value == code)


# --- the sheet alone (no database) -----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_every_valid_score_typed_into_the_sheet_reads_back_as_typed(data):
    chosen = {
        i.code: data.draw(st.integers(0, int(i.points * 2)).map(lambda n: n / 2)) for i in TAIZHOU.indicators
        if data.draw(st.booleans())
    }
    body = fill(roundtrip.fill_sheet_xlsx(blank_sheet()), {code: {"D": v} for code, v in chosen.items()})
    found = {f.code: f.score for f in roundtrip.read_fill_sheet(body, TAIZHOU)}
    assert {c: v for c, v in found.items() if v is not None} == {c: Decimal(str(v)) for c, v in chosen.items()}


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, len(TAIZHOU.indicators) - 1), bad=st.sampled_from(["abc", 999, -1, 0.3]))
def test_a_bad_score_anywhere_is_named_by_its_row_and_column(n, bad):
    indicator = TAIZHOU.indicators[n]
    blank = roundtrip.fill_sheet_xlsx(blank_sheet())
    body = fill(blank, {indicator.code: {"D": bad}})
    with pytest.raises(roundtrip.SheetProblems) as refused:
        roundtrip.read_fill_sheet(body, TAIZHOU)
    assert refused.value.problems[0].startswith(f"第 {row_of(blank, indicator.code)} 行 D 列（自评得分）")


def test_every_kind_of_bad_cell_is_listed_at_once():
    blank = roundtrip.fill_sheet_xlsx(blank_sheet())
    first, second = TAIZHOU.indicators[0], TAIZHOU.indicators[1]
    clause = next(i for i in TAIZHOU.indicators if i.has_clause)
    body = fill(blank, {
        first.code: {"D": first.points + 1},  # above the points
        second.code: {"B": "改过的指标内容"},  # a changed indicator
        clause.code: {"E": "也许"},
    })
    with pytest.raises(roundtrip.SheetProblems) as refused:
        roundtrip.read_fill_sheet(body, TAIZHOU)
    problems = "\n".join(refused.value.problems)
    assert f"第 {row_of(blank, first.code)} 行 D 列（自评得分）：得分须在 0 到" in problems
    assert f"第 {row_of(blank, second.code)} 行 B 列（指标）：指标 {second.code} 的内容与评估标准不一致" in problems
    assert f"第 {row_of(blank, clause.code)} 行 E 列（▲条款）：请填“是”或“否”" in problems


def test_a_file_that_is_not_the_sheet_is_refused_with_a_plain_message():
    with pytest.raises(roundtrip.SheetProblems) as refused:
        roundtrip.read_fill_sheet(b"not a workbook", TAIZHOU)
    assert "无法读取该文件" in refused.value.problems[0]


def test_the_sheet_locks_all_but_the_schools_columns_and_hides_the_versions():
    ws = load_workbook(BytesIO(roundtrip.fill_sheet_xlsx(blank_sheet())))[roundtrip.SHEET]
    r = roundtrip.FIRST
    assert ws.protection.sheet
    assert ws[f"A{r}"].protection.locked and ws[f"B{r}"].protection.locked
    assert not ws[f"D{r}"].protection.locked and not ws[f"F{r}"].protection.locked
    assert ws.column_dimensions["G"].hidden


# --- through the pages and the API ------------------------------------------------------------


@pytest.fixture
def draft(cast, campaign):
    return s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)


def download(client, application):
    return client.get(reverse("filings:application", kwargs={"pk": application.pk, "form": "fill", "fmt": "xlsx"})).content


def upload(client, application, body, name="自评表.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("filings:self_assessment_upload", kwargs={"pk": application.pk})
    return client.post(url, {"sheet": SimpleUploadedFile(name, body)})


def test_a_sheet_filled_offline_saves_every_score_the_school_typed(client, cast, draft):
    client.force_login(cast.school_user_a)
    first, second = TAIZHOU.indicators[0], TAIZHOU.indicators[1]
    body = fill(download(client, draft), {first.code: {"D": first.points, "F": "见佐证材料"}, second.code: {"D": 0.5}})
    response = upload(client, draft, body)
    assert response.status_code == 302
    saved = {r.code: r for r in IndicatorScore.objects.filter(application=draft)}
    assert saved[first.code].self_score == Decimal(str(first.points)) and saved[first.code].comment == "见佐证材料"
    assert saved[second.code].self_score == Decimal("0.5")
    assert len(saved) == 2  # the blank rows saved nothing


def test_a_sheet_with_a_bad_cell_saves_nothing_and_lists_it(client, cast, draft):
    client.force_login(cast.school_user_a)
    first, second = TAIZHOU.indicators[0], TAIZHOU.indicators[1]
    body = fill(download(client, draft), {first.code: {"D": first.points}, second.code: {"D": "满分"}})
    response = upload(client, draft, body)
    assert response.status_code == 400
    assert "“满分”不是数字" in response.content.decode()
    assert not IndicatorScore.objects.filter(application=draft).exists()


def test_a_score_saved_on_the_page_after_the_download_is_not_overwritten(client, cast, draft):
    client.force_login(cast.school_user_a)
    first = TAIZHOU.indicators[0]
    body = fill(download(client, draft), {first.code: {"D": 0}})
    s.self_score_save(by=cast.school_user_a, application=draft, code=first.code, score=first.points, expected_version=0)
    response = upload(client, draft, body)
    assert response.status_code == 409
    assert "已在另一个窗口或由他人修改" in response.content.decode()
    assert IndicatorScore.objects.get(application=draft, code=first.code).self_score == Decimal(str(first.points))


def test_past_the_deadline_the_sheet_is_refused_as_on_the_page(client, cast, campaign, clock, draft):
    client.force_login(cast.school_user_a)
    first = TAIZHOU.indicators[0]
    body = fill(download(client, draft), {first.code: {"D": 1}})
    clock.at(campaign.application_deadline + dt.timedelta(hours=1))
    client.force_login(cast.school_user_a)  # weeks later: a new session
    response = upload(client, draft, body)
    assert response.status_code == 409
    assert not IndicatorScore.objects.filter(application=draft).exists()


def test_another_school_cannot_upload_into_the_application(client, cast, draft):
    client.force_login(cast.school_user_b)
    assert upload(client, draft, b"x").status_code == 404


def test_the_api_takes_the_same_sheet(client, cast, draft):
    client.force_login(cast.school_user_a)
    first = TAIZHOU.indicators[0]
    body = fill(download(client, draft), {first.code: {"D": first.points}})
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("api:self_assessment_upload", kwargs={"pk": draft.pk})
    response = client.post(url, {"sheet": SimpleUploadedFile("s.xlsx", body)})
    assert response.status_code == 200 and response.json() == {"saved": 1}
    bad = client.post(url, {"sheet": SimpleUploadedFile("s.txt", b"x")})
    assert bad.status_code == 400 and "不是 .xlsx 文件" in bad.json()["problems"][0]


def test_the_api_answers_a_refused_sheet_with_the_one_error_body_and_every_problem(client, cast, draft):
    """``detail`` (the first problem) and ``code`` as every API error, ``problems`` besides."""
    client.force_login(cast.school_user_a)
    first, second = TAIZHOU.indicators[0], TAIZHOU.indicators[1]
    blank = download(client, draft)
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("api:self_assessment_upload", kwargs={"pk": draft.pk})
    body = fill(blank, {first.code: {"D": "满分"}, second.code: {"D": "很多"}})
    bad = client.post(url, {"sheet": SimpleUploadedFile("s.xlsx", body)}).json()
    assert bad["code"] == "invalid" and len(bad["problems"]) == 2 and bad["detail"] == bad["problems"][0]
    assert "“满分”不是数字" in bad["detail"]

    s.self_score_save(by=cast.school_user_a, application=draft, code=first.code, score=0, expected_version=0)
    conflict = client.post(url, {"sheet": SimpleUploadedFile("s.xlsx", fill(blank, {first.code: {"D": 1}}))})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "edit_conflict" and "已在另一个窗口或由他人修改" in conflict.json()["detail"]


def test_the_sheet_is_judged_by_the_rule_of_every_upload_door(client, cast, draft):
    """The name as well as the content (``evidence.checks.check_file``): a reserved name is refused."""
    client.force_login(cast.school_user_a)
    response = upload(client, draft, download(client, draft), name="CON.xlsx")
    assert response.status_code == 400 and "系统保留名称" in response.content.decode()
    assert not IndicatorScore.objects.filter(application=draft).exists()


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_read():
    from tests.zipbomb import zip_bomb

    with pytest.raises(roundtrip.SheetProblems) as refused:
        roundtrip.read_fill_sheet(zip_bomb("xlsx"), TAIZHOU)
    assert "解压后超过 300 MB" in str(refused.value.problems)
