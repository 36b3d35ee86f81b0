from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from campuseval.imports.models import ImportJob


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def xlsx(headers, rows, *, sheet="Sheet1", extra_sheets=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for name in extra_sheets:
        wb.create_sheet(name)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def read(content: bytes, sheet=None):
    wb = load_workbook(BytesIO(content))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def login(client, user):
    client.force_login(user)
    return client


def upload(client, kind, content, django_capture_on_commit_callbacks, name="导入.xlsx"):
    """Upload a file and run its job (the test transaction never commits: run the callbacks)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:upload", args=[kind]),
            {"file": SimpleUploadedFile(name, content)},
        )
    return response


def last_job() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()


SCHOOL_HEADERS = [
    "学校标识码",
    "学校名称",
    "学段",
    "城乡类别",
    "所属县（市、区）代码",
    "所属中心校标识码",
    "地址",
    "校长（负责人）",
    "联系人",
    "联系电话",
]
