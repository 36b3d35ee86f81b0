"""Links, text, choosing existing evidence and removing it from an indicator."""

from __future__ import annotations

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.evidence.models import EvidenceItem, EvidenceLink

from .conftest import PDF, upload


@pytest.fixture
def school_client(client, cast):
    client.force_login(cast.school_user_a)
    return client


def post(client, url, data):
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/a.pdf", "example.com", "data:text/html,x"])
def test_a_link_must_be_http_or_https(school_client, application, url):
    status, html = post(school_client, f"/evidence/applications/{application.pk}/1.1.1/link/", {"url": url})

    assert status == 200
    assert "只接受以 http:// 或 https:// 开头的完整网址" in html
    assert not EvidenceItem.objects.exists()


def test_an_https_link_is_added_opening_safely(school_client, application):
    status, html = post(
        school_client,
        f"/evidence/applications/{application.pk}/1.1.1/link/",
        {"url": "https://www.example.edu.cn/news/1.html", "title": "校园网建设报道"},
    )

    assert "已添加链接" in html
    assert 'href="https://www.example.edu.cn/news/1.html" target="_blank" rel="noopener noreferrer nofollow"' in html
    assert EvidenceItem.objects.get().kind == "link"


def test_text_is_shown_escaped(school_client, application):
    status, html = post(
        school_client,
        f"/evidence/applications/{application.pk}/1.1.1/text/",
        {"title": "说明", "text": "<script>alert(1)</script>\n第二行"},
    )

    assert "已添加文字说明" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行" in html
    assert "<script>alert" not in html


def test_existing_evidence_backs_a_second_indicator_without_a_copy(school_client, application):
    upload(school_client, application, "1.1.1", "制度.pdf", PDF)
    item = EvidenceItem.objects.get()

    form = school_client.get(f"/evidence/applications/{application.pk}/1.2.1/forms/attach/").content.decode()
    assert f'<option value="{item.pk}">制度.pdf' in form
    status, html = post(school_client, f"/evidence/applications/{application.pk}/1.2.1/attach/", {"evidence": item.pk})

    assert "已关联“制度.pdf”" in html
    assert EvidenceItem.objects.count() == 1
    assert sorted(EvidenceLink.objects.values_list("code", flat=True)) == ["1.1.1", "1.2.1"]


def test_another_schools_evidence_cannot_be_chosen(client, cast, campaign, application):
    from campuseval.campaigns import services as s

    other = s.application_create(by=cast.school_user_b, campaign=campaign, school=cast.school_b)
    client.force_login(cast.school_user_b)
    upload(client, other, "1.1.1", "b.pdf", PDF)
    theirs = EvidenceItem.objects.get()

    client.force_login(cast.school_user_a)
    status, html = post(client, f"/evidence/applications/{application.pk}/1.1.1/attach/", {"evidence": theirs.pk})

    assert "请从本校已有材料中选择一项" in html
    assert not EvidenceLink.objects.filter(application=application).exists()


def test_removing_evidence_from_an_indicator_keeps_it_and_is_audited(school_client, application):
    upload(school_client, application, "1.1.1", "制度.pdf", PDF)
    link = EvidenceLink.objects.get()

    status, html = post(school_client, f"/evidence/links/{link.pk}/remove/", {})

    assert "已从指标 1.1.1 移除“制度.pdf”" in html
    assert not EvidenceLink.objects.exists()
    assert EvidenceItem.objects.count() == 1
    assert AuditRecord.objects.filter(object_type="evidence.evidencelink", action="delete").exists()


def test_evidence_cannot_change_after_submission(school_client, cast, application):
    from campuseval.campaigns import services as s

    from .conftest import fill_full_marks

    upload(school_client, application, "1.1.1", "制度.pdf", PDF)
    link = EvidenceLink.objects.get()
    fill_full_marks(application, cast.school_user_a)
    s.application_submit(by=cast.school_user_a, application=application)

    _, removed = post(school_client, f"/evidence/links/{link.pk}/remove/", {})
    _, linked = post(school_client, f"/evidence/applications/{application.pk}/1.2.1/link/", {"url": "https://example.com/"})
    form = school_client.get(f"/evidence/applications/{application.pk}/1.2.1/forms/upload/").content.decode()

    assert "申报状态为“已提交”，不能修改" in removed and EvidenceLink.objects.filter(pk=link.pk).exists()
    assert "申报状态为“已提交”，不能修改" in linked
    assert "不能再添加佐证材料" in form


def test_the_upload_form_names_the_limits(school_client, application, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 50 * 1024 * 1024
    html = school_client.get(f"/evidence/applications/{application.pk}/1.1.1/forms/upload/").content.decode()

    assert "单个文件不超过 50 MB，本申报合计不超过 2 GB（已用 0 B）" in html
