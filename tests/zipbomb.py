"""A small zip that declares hundreds of megabytes once unpacked (a "zip bomb"), shaped as the
Office file a test needs: built once per process, deflated zeros (about 300 KB on disk)."""

from __future__ import annotations

import functools
import io
import zipfile

from campuseval.zipcheck import MAX_UNPACKED

XLSX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


@functools.cache
def zip_bomb(kind: str) -> bytes:
    """A .docx (``kind="docx"``) or .xlsx (``"xlsx"``) whose one extra part inflates past the limit."""
    parts = {"docx": {"word/document.xml": "<xml/>"}, "xlsx": {"xl/workbook.xml": "<xml/>"}}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", XLSX_TYPES if kind == "xlsx" else "<Types/>")
        for name, text in parts.items():
            z.writestr(name, text)
        chunk = b"\0" * (1024 * 1024)
        with z.open(f"{'word' if kind == 'docx' else 'xl'}/media/padding.bin", "w", force_zip64=True) as big:
            for _ in range(MAX_UNPACKED // len(chunk) + 10):
                big.write(chunk)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    return data
