"""Evidence tests: the campaign fixtures, uploads stored in a temporary MEDIA_ROOT, sample files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from urllib.parse import quote

import pytest

from tests.campaigns.conftest import (  # noqa: F401 (fixtures shared with the campaign tests)
    campaign,
    clock,
    fill_full_marks,
    make_campaign,
    rubrics,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.writestr(name, "<xml/>")
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])


def ole_bytes(stream_name: str) -> bytes:
    """An OLE2 compound file header followed by a directory entry name."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def application(campaign, cast):  # noqa: F811
    from campuseval.campaigns import services as s

    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    return s.application_update(
        by=cast.school_user_a, application=app, expected_version=app.version, applied_tier="示范型"
    )


def multipart(files: list[tuple[str, bytes]], field: str = "file", **fields: str) -> tuple[bytes, str]:
    """A multipart body written by hand, so that a file name goes out exactly as given (RFC 5987
    ``filename*`` for one a header cannot carry plainly: control characters, quotes)."""
    boundary = "ce-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, data in files:
        if name.isprintable() and '"' not in name:
            disposition = f'filename="{name}"'
        else:
            disposition = f"filename*=UTF-8''{quote(name, safe='')}"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; {disposition}\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(client, application, code, name, data, **extra):
    """POST one file to an indicator through htmx; return (status, html)."""
    body, content_type = multipart([(name, data)], **extra)
    response = client.generic(
        "POST",
        f"/evidence/applications/{application.pk}/{code}/upload/",
        body,
        content_type=content_type,
        HTTP_HX_REQUEST="true",
    )
    return response.status_code, response.content.decode()
