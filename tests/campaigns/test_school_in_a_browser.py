"""The school's self-assessment in a real browser on a phone: autosave, summary, clause, evidence."""

from __future__ import annotations

from tests.evidence.conftest import PDF


def test_a_school_fills_in_its_self_assessment_on_a_phone(
    browser, live_server, transactional_db, cast, campaign, client, tmp_path, settings
):
    from campuseval.campaigns import services as s
    from campuseval.campaigns.models import IndicatorScore
    from campuseval.evidence.models import EvidenceLink

    settings.MEDIA_ROOT = tmp_path / "media"
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    client.force_login(cast.school_user_a)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/campaigns/applications/{app.pk}/")
    page.select_option("#score-1-1-1", "2")
    page.wait_for_selector("#form-1-1-1 >> text=已保存")
    assert "总分 2" in page.inner_text("#summary-bar")
    assert "已完成 1/82" in page.inner_text("#summary-bar")
    page.fill("#comment-1-1-1", "千兆接入城域网")
    with page.expect_response(lambda r: r.url.endswith("/scores/1.1.1/")):
        page.press("#comment-1-1-1", "Tab")
    row = IndicatorScore.objects.get(application=app, code="1.1.1")
    assert (row.self_score, row.comment, row.version) == (2, "千兆接入城域网", 2)

    assert not page.is_visible("#area-body-2")  # on a phone only the first area with work left is open
    page.click('[data-bs-target="#area-body-2"]')
    page.wait_for_selector("#area-body-2.show")
    page.click('label[for="clause-yes-1-3-3"]')
    page.wait_for_selector("#form-1-3-3 >> text=已保存")
    assert IndicatorScore.objects.get(application=app, code="1.3.3").clause_met is True

    page.click("#evidence-1-1-1 >> text=上传文件")
    page.wait_for_selector("#file-1-1-1")
    pdf = tmp_path / "网络拓扑图.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#file-1-1-1", str(pdf))
    page.click("#evidence-1-1-1 .ce-upload-form button[type=submit]")
    page.wait_for_selector("#evidence-1-1-1 >> text=已上传 1 个文件")
    assert EvidenceLink.objects.filter(application=app, code="1.1.1").exists()

    page.click("#summary-bar button")
    page.wait_for_selector("#summary-panel.show")
    assert "要达到合格型" in page.inner_text("#summary-panel")
    assert errors == []  # no CSP violation, no script error
