"""Every upload door refuses what it must, says in Chinese what is wrong, and leaves nothing
behind (issue 13, "Tests that keep it so" and "Faults that lose nothing").

The doors: a school's evidence (``/evidence/applications/<pk>/<code>/upload/``), the
spreadsheet imports (``/imports/<kind>/``), the filled 自评表 (page and API) and the
platform's region map (GeoJSON). Each one is sent the same hostile files: an installer renamed
.pdf, polyglots, HTML and SVG with script, zip bombs as .docx, .xlsx and .zip, names with
paths and control characters, an empty file and one past the limit. After each refusal
nothing is stored (no file under MEDIA_ROOT, no row) and the application's scores and status
are as they were.

Disk full: a storage that raises ENOSPC half way through a file. The school is told the server
is out of space, nothing is kept, and the server's log says so. (The API takes no evidence
upload; its one upload, the 自评表, stores no file.)
"""

from __future__ import annotations

import errno
import functools
import html
import io
import logging
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.campaigns.models import Application, IndicatorScore
from campuseval.evidence.models import EvidenceItem, EvidenceLink
from campuseval.imports.models import ImportJob
from tests.zipbomb import XLSX_TYPES, zip_bomb

from .conftest import PDF, docx_bytes, multipart, png_bytes

CODE = "1.1.1"

# --- the hostile files ------------------------------------------------------------------------

# An installer's headers: MZ, then at 0x3c the offset of its PE header.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x40\x00\x00\x00"
EXE += b"PE\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/me/').then(r => r.text()).then(alert)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.domain)</script></svg>'
)


def jpeg(comment: bytes = b"") -> bytes:
    """A JPEG's markers: SOI, a JFIF APP0, a comment segment if given, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment if comment else b""
    return b"\xff\xd8" + app0 + com + b"\xff\xd9"


def small_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    return small_zip({"[Content_Types].xml": XLSX_TYPES.encode(), "xl/workbook.xml": b"<workbook/>"})


@functools.cache
def plain_zip_bomb() -> bytes:
    """A plain .zip (no Office parts) of one member that inflates to 310 MB of zeros (~300 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        chunk = b"\0" * (1024 * 1024)
        with z.open("backup.tar", "w", force_zip64=True) as big:
            for _ in range(310):
                big.write(chunk)
    return out.getvalue()


def many_members_zip() -> bytes:
    """A zip of 12,000 empty members (about 1.3 MB): opening its directory alone is the cost."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for i in range(12_000):
            z.writestr(f"word/media/{i}.bin", b"")
    return out.getvalue()


INSTALLER_ZIP = small_zip({"setup.exe": EXE})
# Built on first use (about 0.7 s each, then kept): 300 KB on disk, 310 MB unpacked.
BOMBS = {
    "zip-bomb-docx": lambda: zip_bomb("docx"),
    "zip-bomb-xlsx": lambda: zip_bomb("xlsx"),
    "zip-bomb-zip": plain_zip_bomb,
    "zip-of-many-members": many_members_zip,
}
BOMB = b""  # stands for the case's bomb in the tables below


def built(case: str, data: bytes) -> bytes:
    return BOMBS[case]() if case in BOMBS else data


# case -> (file name, bytes, what the message must say)
BAD_CONTENT: dict[str, tuple[str, bytes, str]] = {
    "exe-renamed-pdf": ("年度报告.pdf", EXE, "内容不是可接受的类型"),
    "pdf-with-zip-appended": ("制度汇编.pdf", PDF + INSTALLER_ZIP, "藏有一个压缩包"),
    "pdf-with-html-appended": ("制度汇编.pdf", PDF + HTML, "含有网页代码"),
    "jpeg-that-is-also-html": ("校园照片.jpg", jpeg(HTML), "含有网页代码"),
    "jpeg-with-zip-appended": ("校园照片.jpg", jpeg() + INSTALLER_ZIP, "藏有一个压缩包"),
    "docx-with-html-appended": ("制度.docx", docx_bytes() + HTML, "含有网页代码"),
    "html": ("说明.html", HTML, "内容不是可接受的类型"),
    "html-renamed-pdf": ("说明.pdf", HTML, "内容不是可接受的类型"),
    "svg-with-script": ("校徽.svg", SVG, "内容不是可接受的类型"),
    "svg-renamed-png": ("校徽.png", SVG, "内容不是可接受的类型"),
    "zip-bomb-docx": ("制度汇编.docx", BOMB, "解压后超过 300 MB"),
    "zip-bomb-xlsx": ("台账.xlsx", BOMB, "解压后超过 300 MB"),
    "zip-bomb-zip": ("材料.zip", BOMB, "解压后超过 300 MB"),
    "zip-of-many-members": ("制度汇编.docx", BOMB, "10000 个以上成员"),
    "empty": ("空白.pdf", b"", "是空文件"),
}


# name as sent -> what the message must say
BAD_NAMES: dict[str, tuple[str, str]] = {
    "dot-dot-slash": ("../../etc/passwd.pdf", "含有路径"),
    "dot-dot-backslash": ("..\\..\\x.pdf", "含有路径"),
    "absolute-path": ("/etc/passwd.pdf", "含有路径"),
    "windows-absolute-path": ("C:\\Windows\\win.pdf", "含有路径"),
    "drive-relative": ("C:win.pdf", "不允许的字符"),
    "entity-encoded-slash": ("..&#47;..&#47;etc&#47;passwd.pdf", "含有路径"),
    "only-dots": ("..", "含有路径"),
    "nul": ("报告\x00.exe.pdf", "控制字符"),
    "newline": ("报告\n.pdf", "控制字符"),
    "carriage-return": ("报告\r.pdf", "控制字符"),
    "right-to-left-override": ("报告\u202efdp.exe", "控制字符"),
}


# --- requests ---------------------------------------------------------------------------------


def post(client, url: str, field: str, files: list[tuple[str, bytes]], htmx: bool = True, **fields: str):
    body, content_type = multipart(files, field=field, **fields)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.generic("POST", url, body, content_type=content_type, **extra)


def evidence_url(application) -> str:
    return f"/evidence/applications/{application.pk}/{CODE}/upload/"


def evidence_error(response) -> str:
    """The error shown in the indicator's evidence block (htmx answer)."""
    assert response.status_code == 200, response.status_code
    found = re.search(r'ce-evidence-error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert found, "no error in the evidence block"
    return html.unescape(found.group(1))


def stored_files(media: Path) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def state(application) -> tuple[Any, ...]:
    """What an upload must never change: the application's row and its scores."""
    app = Application.objects.get(pk=application.pk)
    scores = list(
        IndicatorScore.objects.filter(application=app)
        .order_by("code")
        .values_list("code", "self_score", "clause_met", "comment", "version")
    )
    return app.status, app.version, app.scored_tier, app.updated_at, scores


@pytest.fixture
def scored(application, cast):
    """The draft with one score saved, so that "untouched" has something to keep."""
    s.self_score_save(by=cast.school_user_a, application=application, code=CODE, score=1, expected_version=0)
    return application


@pytest.fixture
def school(client, cast):
    client.force_login(cast.school_user_a)
    return client


def assert_nothing_kept(application, before, media) -> None:
    assert not EvidenceItem.objects.exists() and not EvidenceLink.objects.exists()
    assert not AuditRecord.objects.filter(object_type__startswith="evidence.").exists()
    assert stored_files(media) == []
    assert state(application) == before


# --- the evidence door ------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(BAD_CONTENT))
def test_the_evidence_door_refuses_hostile_content_and_keeps_nothing(school, scored, media, case):
    name, data, message = BAD_CONTENT[case]
    data = built(case, data)
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [(name, data)]))

    assert message in error and f"“{name}”" in error
    assert_nothing_kept(scored, before, media)


@pytest.mark.parametrize("case", list(BAD_NAMES))
def test_the_evidence_door_refuses_a_name_with_a_path_or_control_characters(school, scored, media, case):
    name, message = BAD_NAMES[case]
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [(name, PDF)]))

    assert message in error
    assert "\x00" not in error and "\u202e" not in error  # shown with the odd characters replaced
    assert_nothing_kept(scored, before, media)


def test_the_evidence_door_refuses_a_file_past_the_limit_before_reading_it_all(school, scored, media, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [("录像.pdf", PDF + b"0" * 4096)]))

    assert "文件“录像.pdf”超过单个文件的上限 1 KB" in error
    assert_nothing_kept(scored, before, media)


def test_one_hostile_file_among_good_ones_refuses_them_all(school, scored, media):
    before = state(scored)

    error = evidence_error(
        post(school, evidence_url(scored), "file", [("机房.png", png_bytes()), ("报告.pdf", PDF + HTML)])
    )

    assert "文件“报告.pdf”" in error and "含有网页代码" in error
    assert_nothing_kept(scored, before, media)


def test_a_real_pdf_and_photo_still_pass(school, scored, media):
    """The polyglot checks do not refuse ordinary files: a PDF, a PNG, a JPEG with a comment."""
    response = post(
        school, evidence_url(scored), "file",
        [("报告.pdf", PDF), ("机房.png", png_bytes()), ("照片.jpg", jpeg(b"taken by a phone"))],
    )

    assert "已上传 3 个文件" in response.content.decode()
    assert EvidenceItem.objects.count() == 3 and len(stored_files(media)) == 3


# --- the imports door -------------------------------------------------------------------------


def import_url() -> str:
    return reverse("imports:upload", args=["schools"])


def import_error(response) -> str:
    """The form's error under the file field of the import page."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    found = re.search(r'class="[^"]*(?:invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', page, re.S)
    assert found, "no error on the import page"
    return html.unescape(found.group(1))


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.county_admin_a)
    return client


IMPORT_CONTENT = {
    "exe-renamed-xlsx": ("学校.xlsx", EXE, "不是 Excel 工作簿（.xlsx）"),
    "html-renamed-xlsx": ("学校.xlsx", HTML, "不是 Excel 工作簿（.xlsx）"),
    "svg-renamed-xlsx": ("学校.xlsx", SVG, "不是 Excel 工作簿（.xlsx）"),
    "pdf-prefixed-workbook": ("学校.xlsx", PDF + xlsx_bytes(), "不是 Excel 工作簿（.xlsx）"),
    "workbook-with-html-appended": ("学校.xlsx", xlsx_bytes() + HTML, "含有网页代码"),
    "zip-bomb-xlsx": ("学校.xlsx", BOMB, "文件解压后过大，不能导入"),
    "zip-bomb-docx": ("学校.docx", BOMB, "文件解压后过大，不能导入"),
    "zip-bomb-zip": ("学校.zip", BOMB, "文件解压后过大，不能导入"),
    "zip-of-many-members": ("学校.xlsx", BOMB, "10000 个以上成员"),
    "empty": ("学校.xlsx", b"", "是空文件"),
}


@pytest.mark.parametrize("case", list(IMPORT_CONTENT))
def test_the_import_door_refuses_hostile_content_and_keeps_nothing(admin, media, case):
    name, data, message = IMPORT_CONTENT[case]
    data = built(case, data)

    error = import_error(post(admin, import_url(), "file", [(name, data)], htmx=False))

    assert message in error
    assert not ImportJob.objects.exists() and stored_files(media) == []


def test_the_import_door_refuses_a_file_past_the_limit(admin, media, monkeypatch):
    from campuseval.imports import xlsx

    monkeypatch.setattr(xlsx, "MAX_BYTES", 1000)

    error = import_error(post(admin, import_url(), "file", [("学校.xlsx", xlsx_bytes() + b"\0" * 2000)], htmx=False))

    assert "文件太大" in error
    assert not ImportJob.objects.exists() and stored_files(media) == []


# case -> (name as sent, what the message must say)
IMPORT_NAMES = {
    "drive-relative": ("C:学校.xlsx", "不允许的字符"),
    "reserved": ("CON.xlsx", "系统保留名称"),
    "dot-dot-slash": ("../../etc/学校.xlsx", "含有路径"),
    "absolute-path": ("/etc/学校.xlsx", "含有路径"),
    "nul": ("学校\x00.xlsx", "控制字符"),
    "right-to-left-override": ("学校\u202excod.xlsx", "控制字符"),
    "only-dots": ("..", "含有路径"),  # a name Django drops, and the file with it
}


@pytest.mark.parametrize("case", list(IMPORT_NAMES))
def test_the_import_door_refuses_a_name_with_a_path_or_control_characters(admin, media, case):
    name, message = IMPORT_NAMES[case]

    error = import_error(post(admin, import_url(), "file", [(name, xlsx_bytes())], htmx=False))

    assert message in error
    assert not ImportJob.objects.exists() and stored_files(media) == []


# --- the 自评表 door (page and API) ------------------------------------------------------------


SHEET_CONTENT = {
    "exe-renamed-xlsx": ("自评表.xlsx", EXE, "无法读取该文件"),
    "html-renamed-xlsx": ("自评表.xlsx", HTML, "无法读取该文件"),
    "svg-renamed-xlsx": ("自评表.xlsx", SVG, "无法读取该文件"),
    "zip-bomb-xlsx": ("自评表.xlsx", BOMB, "解压后超过 300 MB"),
    "zip-bomb-docx": ("自评表.docx", BOMB, "不是 .xlsx 文件"),
    "zip-bomb-zip": ("自评表.zip", BOMB, "不是 .xlsx 文件"),
    "empty": ("自评表.xlsx", b"", "无法读取该文件"),
}


def sheet_data(case: str) -> tuple[str, bytes, str]:
    name, data, message = SHEET_CONTENT[case]
    return name, built(case, data), message


@pytest.mark.parametrize("case", list(SHEET_CONTENT))
def test_the_self_assessment_page_refuses_hostile_content_and_saves_nothing(school, scored, media, case):
    name, data, message = sheet_data(case)
    before = state(scored)
    url = reverse("filings:self_assessment_upload", kwargs={"pk": scored.pk})

    response = post(school, url, "sheet", [(name, data)], htmx=False)

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert state(scored) == before and stored_files(media) == []


@pytest.mark.parametrize("case", list(SHEET_CONTENT))
def test_the_self_assessment_api_refuses_hostile_content_and_saves_nothing(cast, scored, media, case):
    from tests.api.conftest import client_for

    name, data, message = sheet_data(case)
    before = state(scored)
    url = reverse("api:self_assessment_upload", kwargs={"pk": scored.pk})

    response = post(client_for(cast.school_user_a), url, "sheet", [(name, data)], htmx=False)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert any(message in p for p in response.json()["problems"])
    assert state(scored) == before and stored_files(media) == []


def test_the_self_assessment_door_refuses_a_sheet_past_its_limit(cast, school, scored, monkeypatch):
    from campuseval.filings import roundtrip

    monkeypatch.setattr(roundtrip, "MAX_BYTES", 1000)
    before = state(scored)
    url = reverse("filings:self_assessment_upload", kwargs={"pk": scored.pk})

    response = post(school, url, "sheet", [("自评表.xlsx", xlsx_bytes() + b"\0" * 2000)], htmx=False)

    assert response.status_code == 400 and "文件超过" in response.content.decode()
    assert state(scored) == before


# --- the region map door (GeoJSON, platform administrator) -------------------------------------


MAP_CONTENT = {
    "exe-renamed-json": ("map.json", EXE),
    "html": ("map.html", HTML),
    "svg-with-script": ("map.svg", SVG),
    "zip-bomb-zip": ("map.zip", BOMB),
}


def map_post(client, cast, name: str, data: bytes) -> str:
    client.force_login(cast.platform_admin)
    url = reverse("analytics:map_upload", args=[cast.city.code])
    response = post(client, url, "geojson", [(name, data)], htmx=False, source="测试", licence="CC0")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("case", list(MAP_CONTENT))
def test_the_map_door_refuses_what_is_not_geojson_in_chinese(client, cast, case):
    from campuseval.analytics.models import RegionMap

    name, data = MAP_CONTENT[case]

    page = map_post(client, cast, name, built(case, data))

    assert not RegionMap.objects.exists()
    assert not re.search(r"codec|invalid start byte|Expecting value", page)  # Chinese only, no Python internals


@pytest.mark.parametrize("case", list(MAP_CONTENT))
def test_the_map_door_refuses_what_is_not_geojson_and_keeps_nothing(client, cast, case):
    from campuseval.analytics.models import RegionMap

    name, data = MAP_CONTENT[case]

    page = map_post(client, cast, name, built(case, data))

    assert "不是有效的 GeoJSON" in page
    assert not RegionMap.objects.exists()


def test_the_map_door_refuses_an_empty_file_and_one_past_its_limit(client, cast, monkeypatch):
    from campuseval.analytics import forms
    from campuseval.analytics.models import RegionMap

    assert "是空文件" in map_post(client, cast, "map.json", b"")
    monkeypatch.setattr(forms, "MAX_GEOJSON_BYTES", 10)
    assert "GeoJSON 文件不能超过" in map_post(client, cast, "map.json", b'{"type": "FeatureCollection", "features": []}')
    assert not RegionMap.objects.exists()


# --- disk full --------------------------------------------------------------------------------


class _Filling(File):
    """The upload as a storage writes it, the disk filling after the first few bytes."""

    def chunks(self, chunk_size: int | None = None):
        self.file.seek(0)
        yield self.file.read(8)
        raise OSError(errno.ENOSPC, "No space left on device")


class FullDisk(FileSystemStorage):
    """The local folder, out of space once ``room`` files are written (a partial file stays,
    as on a real disk: FileSystemStorage writes straight to the final name)."""

    room = 0

    def _save(self, name: str, content: File) -> str:
        if FullDisk.room > 0:
            FullDisk.room -= 1
            return super()._save(name, content)
        return super()._save(name, _Filling(content.file))


@pytest.fixture
def full_disk(settings):
    FullDisk.room = 0
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDisk"}}
    return FullDisk


@pytest.fixture
def server_log():
    """What the evidence app logs (pytest's own log capture is off in these runs)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("campuseval.evidence")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


FULL = "服务器存储空间不足，文件未保存，请稍后重试或联系管理员"


def test_a_full_disk_is_told_to_the_school_and_keeps_nothing(school, scored, media, full_disk, server_log):
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [("网络拓扑图.pdf", PDF)]))

    assert FULL in error
    assert_nothing_kept(scored, before, media)
    assert any("No space left" in str(r.exc_info[1]) for r in server_log if r.exc_info)


def test_a_disk_filling_on_the_second_file_removes_the_first_too(school, scored, media, full_disk, server_log):
    full_disk.room = 1
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [("一.pdf", PDF), ("二.pdf", PDF + b"2")]))

    assert FULL in error
    assert_nothing_kept(scored, before, media)


def test_a_full_disk_on_a_plain_form_post_comes_back_as_a_message(school, scored, media, full_disk, server_log):
    before = state(scored)

    response = post(school, evidence_url(scored), "file", [("网络拓扑图.pdf", PDF)], htmx=False)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [FULL]
    assert_nothing_kept(scored, before, media)
    assert server_log


def test_a_full_temporary_folder_while_the_upload_arrives_is_told_too(
    school, scored, media, settings, monkeypatch, server_log
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def full(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through a temporary file
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", full)
    before = state(scored)

    error = evidence_error(post(school, evidence_url(scored), "file", [("网络拓扑图.pdf", PDF)]))

    assert FULL in error
    assert_nothing_kept(scored, before, media)
    assert server_log


def test_a_full_disk_while_importing_is_told_and_keeps_nothing(admin, media, full_disk):
    error = import_error(post(admin, import_url(), "file", [("学校.xlsx", xlsx_bytes())], htmx=False))

    assert FULL in error
    assert not ImportJob.objects.exists() and stored_files(media) == []


def test_a_full_temporary_folder_while_an_import_arrives_is_told_too(admin, media, settings, monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def full(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", full)

    error = import_error(post(admin, import_url(), "file", [("学校.xlsx", xlsx_bytes())], htmx=False))

    assert FULL in error
    assert not ImportJob.objects.exists() and stored_files(media) == []
