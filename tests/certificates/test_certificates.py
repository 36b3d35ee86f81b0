"""Certificates: issued at publication to the certified schools, a PDF with the city, school,
tier, year, date, number and a QR code that opens the public verification page."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from campuseval.audit.models import AuditRecord
from campuseval.certificates import rules
from campuseval.certificates.models import Certificate
from campuseval.certificates.services import certificates_issue
from tests.api.conftest import client_for


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    return "".join(reader.pages[0].extract_text().split())  # the lines as one: wrapping is the layout's


def test_publication_issues_one_certificate_to_each_certified_school_only(published):
    a, b, tp = published
    certificates = list(Certificate.objects.order_by("serial"))
    assert [c.application_id for c in certificates] == [a.pk, b.pk]  # 琅琊区 before 南谯区; no tier, no certificate
    assert [c.tier for c in certificates] == ["示范型", "合格型"]
    assert certificates[0].number.endswith("-0001") and certificates[1].number.endswith("-0002")
    assert all(re.fullmatch(f"[{rules.ALPHABET}]{{8}}", c.code) for c in certificates)
    assert AuditRecord.objects.filter(object_type="certificates.certificate", action="create").count() == 2


def test_issuing_again_issues_nothing_twice(cast, campaign, published):
    assert certificates_issue(campaign=campaign, by=cast.city_admin) == []
    assert Certificate.objects.count() == 2


def test_no_certificate_before_the_formal_publication(client, cast, campaign, decided):
    client.force_login(cast.school_user_a)
    response = client.get(reverse("certificates:application", args=[decided[0].pk]))
    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_the_school_downloads_its_certificate_with_what_it_certifies(client, cast, campaign, published):
    a = published[0]
    client.force_login(cast.school_user_a)
    response = client.get(reverse("certificates:application", args=[a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get(application=a)
    text = pdf_text(response.content)
    for printed in (cast.school_a.name, "示范型", campaign.name, f"{cast.city.name}教育局", certificate.number,
                    certificate.code_display, "二〇二二年十月八日"):
        assert "".join(printed.split()) in text, printed
    assert AuditRecord.objects.filter(object_type="certificates.certificate", action="export").exists()


def test_the_font_is_embedded_in_the_pdf(client, cast, published):
    client.force_login(cast.school_user_a)
    body = client.get(reverse("certificates:application", args=[published[0].pk])).content
    reader = PdfReader(io.BytesIO(body))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"IBMPlexSansSC", "IBMPlexSansSC-Bold"}
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)  # embedded TrueType


def test_the_qr_code_carries_the_verification_address(published):
    from campuseval.certificates import selectors

    certificate = Certificate.objects.get(application=published[0])
    url = selectors.text(certificate).url
    assert url.endswith(reverse("verify:code", args=[certificate.code]))


def test_another_school_cannot_download_the_certificate(client, cast, published):
    client.force_login(cast.school_user_b)
    assert client.get(reverse("certificates:application", args=[published[0].pk])).status_code == 404


def test_a_school_without_a_tier_has_no_certificate_to_download(client, cast, published):
    client.force_login(cast.county_admin_a)
    assert client.get(reverse("certificates:application", args=[published[2].pk])).status_code == 404


def test_anyone_verifies_a_certificate_by_its_code_without_logging_in(client, cast, campaign, published):
    certificate = Certificate.objects.get(application=published[0])
    page = client.get(reverse("verify:code", args=[certificate.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "证书真实有效" in html and cast.school_a.name in html and certificate.number in html
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


@pytest.mark.parametrize("typed", ["{a}-{b}", "{la} {lb}", " {a}{b} "])
def test_a_code_typed_in_any_case_or_with_a_dash_opens_its_certificate(client, published, typed):
    code = Certificate.objects.get(application=published[0]).code
    text = typed.format(a=code[:4], b=code[4:], la=code[:4].lower(), lb=code[4:].lower())
    response = client.get(reverse("verify:lookup"), {"code": text})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:code", args=[code])


def test_a_wrong_code_is_told_what_is_wrong(client, published):
    bad = client.get(reverse("verify:lookup"), {"code": "ABC0"})
    assert bad.status_code == 400 and "8 位" in bad.content.decode()
    unknown = client.get(reverse("verify:lookup"), {"code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 404 and "没有这个验证码的证书" in unknown.content.decode()
    assert client.get(reverse("verify:code", args=["ZZZZZZZZ"])).status_code == 404


def test_a_certificate_no_longer_matching_the_result_says_so(client, published):
    certificate = Certificate.objects.get(application=published[0])
    certificate.application.decided_tier = "合格型"  # as a later correction would leave it
    certificate.application.save(update_fields=["decided_tier"])
    html = client.get(reverse("verify:code", args=[certificate.code])).content.decode()
    assert "证书与现行认定结果不一致" in html and "合格型" in html


def test_the_public_results_page_offers_the_code_form(client, published):
    html = client.get(reverse("results:index")).content.decode()
    assert 'action="/results/verify/"' in html and 'name="code"' in html


def test_the_api_serves_the_same_certificate_and_verifies_a_code(cast, published):
    certificate = Certificate.objects.get(application=published[0])
    client = client_for(cast.school_user_a)
    response = client.get(reverse("api:certificate", args=[published[0].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    check = client.get(reverse("api:certificate_verify", args=[certificate.code_display]))
    assert check.status_code == 200
    assert check.json()["valid"] is True and check.json()["school"] == cast.school_a.name
    assert client.get(reverse("api:certificate_verify", args=["ZZZZZZZZ"])).status_code == 404
