"""The audit trail as a spreadsheet or CSV: pure functions from records to bytes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from campuseval.exporting import safe_cell

from .models import AuditRecord
from .presenters import object_type_label

HEADERS = [
    "序号",
    "时间",
    "操作人",
    "来源地址",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "区域代码",
    "修改前",
    "修改后",
    "哈希",
]
# A cell that starts with one of these is a formula to Excel and WPS: never let a user name
# or an object's text run as one (CSV injection).


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(r: AuditRecord) -> list[Any]:
    return [
        r.seq,
        timezone.localtime(r.at).replace(tzinfo=None, microsecond=0),
        r.actor_name,
        r.ip or "",
        r.get_action_display(),
        object_type_label(r.object_type),
        r.object_id,
        r.object_repr,
        r.region_code,
        _json(r.before),
        _json(r.after),
        r.hash,
    ]


def rows(records: Iterable[AuditRecord]) -> Iterator[list[Any]]:
    for r in records:
        yield [safe_cell(v) for v in _row(r)]


def to_xlsx(records: Iterable[AuditRecord]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计记录")
    ws.append(HEADERS)
    for row in rows(records):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(records: Iterable[AuditRecord]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows(records):
        row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(row)
    # With a byte-order mark, Excel opens the Chinese text as UTF-8 rather than GBK.
    return out.getvalue().encode("utf-8-sig")
