"""POST /evidence/applications/<pk>/<code>/upload/: files checked by content, stored once."""

from __future__ import annotations

import hashlib

import pytest

from campuseval.audit.models import AuditRecord
from campuseval.evidence.models import EvidenceItem, EvidenceLink

from .conftest import PDF, docx_bytes, ole_bytes, png_bytes, upload, zip_bytes


@pytest.fixture
def school_client(client, cast):
    client.force_login(cast.school_user_a)
    return client


def test_it_stores_a_small_pdf_under_a_generated_name(school_client, application, media):
    status, html = upload(school_client, application, "1.1.1", "网络拓扑图.pdf", PDF)

    assert status == 200
    assert "已上传 1 个文件" in html and "网络拓扑图.pdf" in html
    item = EvidenceItem.objects.get()
    assert item.kind == "file" and item.content_type == "application/pdf"
    assert item.original_name == "网络拓扑图.pdf"
    assert item.size == len(PDF) and item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert item.file.name.startswith(f"evidence/{application.school_id}/")
    assert "拓扑" not in item.file.name and not item.file.name.endswith(".pdf")
    assert (media / item.file.name).read_bytes() == PDF
    assert EvidenceLink.objects.get().code == "1.1.1"
    assert AuditRecord.objects.filter(object_type="evidence.evidenceitem", action="create").exists()
    assert AuditRecord.objects.filter(object_type="evidence.evidencelink", action="create").exists()


def test_it_recognises_a_png_and_an_office_document_by_content(school_client, application):
    assert upload(school_client, application, "1.1.1", "机房.png", png_bytes())[0] == 200
    assert upload(school_client, application, "1.1.1", "制度.docx", docx_bytes())[0] == 200
    assert upload(school_client, application, "1.1.1", "台账.doc", ole_bytes("WordDocument"))[0] == 200

    types = set(EvidenceItem.objects.values_list("content_type", flat=True))
    assert types == {
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
    }


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("报告.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("说明.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("图标.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("文档.docx", zip_bytes(["a.txt"])),
        ("安装包.doc", ole_bytes("SummaryInformation")),
    ],
    ids=["renamed-exe", "elf", "html", "svg-with-script", "plain-zip", "ole-without-office-stream"],
)
def test_it_refuses_a_file_whose_content_is_not_an_accepted_type(school_client, application, media, name, data):
    status, html = upload(school_client, application, "1.1.1", name, data)

    assert status == 200
    assert f"文件“{name}”的内容不是可接受的类型" in html
    assert "改扩展名无效" in html
    assert not EvidenceItem.objects.exists() and not EvidenceLink.objects.exists()
    assert not (media / "evidence").exists()


def test_it_refuses_an_office_file_with_macros(school_client, application):
    data = zip_bytes(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])
    status, html = upload(school_client, application, "1.1.1", "制度.docx", data)

    assert "含有宏" in html
    assert not EvidenceItem.objects.exists()


def test_it_refuses_content_that_does_not_match_the_extension(school_client, application):
    status, html = upload(school_client, application, "1.1.1", "照片.pdf", png_bytes())

    assert "文件“照片.pdf”的内容是PNG 图片，与扩展名“.pdf”不符" in html
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.pdf", "含有路径"),
        ("..\\..\\boot.pdf", "含有路径"),
        ("年度报告\u202efdp.exe.pdf", "控制字符"),
        ("a\x01b.pdf", "控制字符"),
        ("很" * 250 + ".pdf", "过长"),
        ("CON.pdf", "系统保留名称"),
    ],
    ids=["dot-dot-slash", "backslash", "right-to-left-override", "control", "too-long", "reserved"],
)
def test_it_refuses_an_oddly_named_file(school_client, application, media, name, message):
    status, html = upload(school_client, application, "1.1.1", name, PDF)

    assert status == 200
    assert message in html
    assert not EvidenceItem.objects.exists()
    assert not (media / "evidence").exists()


def test_it_refuses_a_file_over_the_per_file_limit_naming_it(school_client, application, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024

    status, html = upload(school_client, application, "1.1.1", "录像.pdf", PDF + b"0" * 2000)

    assert "文件“录像.pdf”超过单个文件的上限 1 KB" in html
    assert not EvidenceItem.objects.exists()


def test_it_enforces_the_total_per_application(school_client, application, settings):
    settings.EVIDENCE_MAX_APPLICATION_BYTES = 1536
    first = PDF + b"1" * 900
    second = PDF + b"2" * 900

    assert "已上传 1 个文件" in upload(school_client, application, "1.1.1", "一.pdf", first)[1]
    status, html = upload(school_client, application, "1.2.1", "二.pdf", second)

    assert "超过每份申报的上限 1.5 KB" in html
    assert EvidenceItem.objects.count() == 1


def test_the_same_file_uploaded_twice_is_stored_once(school_client, application):
    upload(school_client, application, "1.1.1", "制度.pdf", PDF)
    status, html = upload(school_client, application, "1.2.1", "制度（副本）.pdf", PDF)

    assert "与本校已有材料内容相同，已直接关联" in html
    assert EvidenceItem.objects.count() == 1
    assert sorted(EvidenceLink.objects.values_list("code", flat=True)) == ["1.1.1", "1.2.1"]


def test_a_county_administrator_cannot_upload(client, cast, application):
    client.force_login(cast.county_admin_a)
    status, html = upload(client, application, "1.1.1", "a.pdf", PDF)

    assert status == 403
    assert "佐证材料由学校上传和管理" in html


def test_another_school_cannot_upload_to_this_application(client, cast, application):
    client.force_login(cast.school_user_b)
    status, _ = upload(client, application, "1.1.1", "a.pdf", PDF)

    assert status == 404
    assert not EvidenceItem.objects.exists()


def test_it_refuses_an_upload_to_a_submitted_application(school_client, cast, application):
    from campuseval.campaigns import services as s

    from .conftest import fill_full_marks

    fill_full_marks(application, cast.school_user_a)
    s.application_submit(by=cast.school_user_a, application=application)

    status, html = upload(school_client, application, "1.1.1", "a.pdf", PDF)

    assert "申报状态为“已提交”，不能修改" in html
    assert not EvidenceItem.objects.exists()


def test_a_plain_form_post_redirects_back_to_the_indicator(school_client, application):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = school_client.post(
        f"/evidence/applications/{application.pk}/1.1.1/upload/",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/applications/{application.pk}/#ind-1.1.1"
    assert EvidenceLink.objects.filter(code="1.1.1").exists()


def test_an_upload_is_still_protected_against_cross_site_requests(cast, application):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.school_user_a)
    status, _ = upload(client, application, "1.1.1", "a.pdf", PDF)
    assert status == 403
    assert not EvidenceItem.objects.exists()

    page = client.get(f"/evidence/applications/{application.pk}/1.1.1/forms/upload/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    status, html = upload(client, application, "1.1.1", "a.pdf", PDF, csrfmiddlewaretoken=token)
    assert status == 200 and "已上传 1 个文件" in html


def test_it_refuses_an_office_file_that_unpacks_to_hundreds_of_megabytes(school_client, application, media):
    from tests.zipbomb import zip_bomb

    status, html = upload(school_client, application, "1.1.1", "制度汇编.docx", zip_bomb("docx"))

    assert status == 200
    assert "文件“制度汇编.docx”解压后超过 300 MB" in html
    assert not EvidenceItem.objects.exists() and not (media / "evidence").exists()
