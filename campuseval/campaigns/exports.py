"""The county's recommendation list (推荐名单表) as the bureau prints it: pure functions to bytes.

The layout follows the seed's 附件4: a title, the county with its contact (盖章 by hand), then
序号、学校名称、联系人、联系电话、申报类型（示范\\优秀\\合格）、自评分、亮点特色 with borders,
fitted to one page width in landscape; the same ``Form`` printed as .xlsx and .docx.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from campuseval.exporting import Form, Words, form_docx, form_xlsx, table_boxes

HEADERS = ("序号", "学校名称", "联系人", "联系电话", "申报类型（示范\\优秀\\合格）", "自评分", "亮点特色")
WIDTHS = (7, 30, 10, 17, 14, 9, 54)
LEFT = (1, 6)  # 学校名称 and 亮点特色 read left to right; the other columns are centred
BLANK = "　" * 4  # room to write a contact by hand


@dataclass(frozen=True)
class ListRow:
    school: str
    contact: str
    phone: str
    tier: str
    score: float
    highlights: str


@dataclass(frozen=True)
class ListHead:
    title: str  # "<campaign name> 推荐名单"
    county: str
    contact: str = ""
    phone: str = ""
    locked_note: str = ""  # "县级初评已于 … 截止，名单已锁定", or empty while open
    words: Words = Words()


def _county_line(head: ListHead) -> str:
    unit = head.words.unit
    return (
        f"{unit}（盖章）：{head.county}　　"
        f"{unit}联系人：{head.contact or BLANK}　　联系人电话：{head.phone or BLANK}"
    )


def _form(head: ListHead, rows: Sequence[ListRow]) -> Form:
    values = [
        (n, r.school, r.contact, r.phone, r.tier, float(r.score), r.highlights) for n, r in enumerate(rows, 1)
    ]
    return Form(
        title=head.title, widths=WIDTHS, boxes=tuple(table_boxes(HEADERS, values, left=LEFT)),
        lines=(_county_line(head),), after=(f"共 {len(rows)} 所。{head.locked_note}",),
        landscape=True, sheet="推荐名单",
    )


def recommendation_list_xlsx(head: ListHead, rows: Sequence[ListRow]) -> bytes:
    """One sheet: title, county line, header, one bordered row per school, fitted to width."""
    return form_xlsx(_form(head, rows))


def recommendation_list_docx(head: ListHead, rows: Sequence[ListRow]) -> bytes:
    """The same list as a Word document (landscape A4, a bordered table), for the official copy."""
    return form_docx(_form(head, rows))
