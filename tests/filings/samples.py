"""The forms' shapes as the tests build them: Taizhou's 自评表 from the seed's numbers (附件3),
an application, an expert's sheet and a results list; and how the tests read the files back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO
from zipfile import ZipFile

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from campuseval.filings.exports import (
    ApplicationForm,
    ExpertRow,
    ExpertSheet,
    ResultRow,
    ResultsList,
    ScoreSheet,
    SheetRow,
)

TIERS = ("示范型", "优秀型", "合格型")

# 附件3 泰州市中小学智慧校园评估检查验收自评表: 评价项目 (with its points) and its 主要指标.
TAIZHOU_AREAS = (
    ("一、基础环境（26分）", (("校园网络", 6), ("信息终端", 6), ("教学环境", 7), ("智能安防", 1), ("服务平台", 6))),
    ("二、数字资源（10分）", (("基础资源", 3), ("校本资源", 7))),
    ("三、应用能力（10分）", (("学生能力", 3), ("教师能力", 3), ("信息化领导力", 4))),
    ("四、应用服务（42分）", (("基础数据", 7), ("教育管理", 10), ("教学教研", 12), ("社会服务", 4), ("大数据分析", 9))),
    ("五、保障机制（12分）", (("组织保障", 3), ("制度保障", 2), ("经费保障", 4), ("安全保障", 3))),
    ("六、应用成效（10分）", (("应用程度", 2), ("示范活动", 3), ("应用成果", 3), ("应用案例", 2))),
)
TAIZHOU_COLUMNS = ("评价项目", "主要指标", "分值", "自评得分", "备注")
HEAD = "市(区)：海陵区　　学校：泰州市海陵区实验小学（盖章）"
# The sheet's rows: 1 title, 2 the head line, 3 the header, then the indicators from row 4.
HEADER_ROW = 3
FIRST_ROW = 4


def taizhou_rows(*, scored: bool = False) -> tuple[SheetRow, ...]:
    """The seed's 23 主要指标 under their 评价项目 (scored: each half a point short)."""
    return tuple(
        SheetRow(labels=(area, name), points=float(points), score=points - 0.5 if scored else None)
        for area, indicators in TAIZHOU_AREAS for name, points in indicators
    )


def taizhou_sheet(
    *, total: float | None = None, scored: bool = False, rows: tuple[SheetRow, ...] | None = None
) -> ScoreSheet:
    return ScoreSheet(
        title="泰州市中小学智慧校园评估检查验收自评表", head=HEAD, columns=TAIZHOU_COLUMNS,
        rows=taizhou_rows(scored=scored) if rows is None else rows, total=total,
    )


def application(**changes: object) -> ApplicationForm:
    values: dict[str, object] = dict(
        title="泰州市中小学智慧校园申报表", school="泰州市海陵区实验小学", phone="0523-86201234", head="王明",
        head_phone="13800000000", classes=36, students=1620, teachers=98, tiers=TIERS, applied="示范型",
        highlights="“三个课堂”常态化应用，智慧课堂覆盖全部学科；建成校本资源库，教师人人用数据改进教学。" * 3,
    )
    values.update(changes)
    return ApplicationForm(**values)  # type: ignore[arg-type]


def expert_sheet(n: int = 3, **changes: object) -> ExpertSheet:
    rows = tuple(
        ExpertRow(code=f"1.1.{i + 1}", text="学校接入带宽不低于1000M，无线网络覆盖全部教学区域。", points=2.0,
                  mark="★" if i == 0 else "", score=1.5, judgement="达到" if i == 0 else "", comment="佐证齐全")
        for i in range(n)
    )
    values: dict[str, object] = dict(
        title="2022年泰州市智慧校园创建 专家评审打分表", campaign="2022年泰州市智慧校园创建",
        school="泰州市海陵区实验小学", county="海陵区", expert="赵明", rows=rows, total=88.5,
    )
    values.update(changes)
    return ExpertSheet(**values)  # type: ignore[arg-type]


def results_list(
    tiers: tuple[tuple[str, int], ...] = (("示范型", 2), ("优秀型", 3)), total: float | None = 95.5
) -> ResultsList:
    rows = tuple(
        ResultRow(tier=tier, county="海陵区", school=f"泰州市海陵区第{tier}{n + 1}小学", total=total)
        for tier, count in tiers for n in range(count)
    )
    return ResultsList(title="2022年泰州市智慧校园创建 认定结果名单", city="泰州市", published="2022年12月20日", rows=rows)


# --- reading the files back -------------------------------------------------------------------

def sheet_of(data: bytes):
    return load_workbook(BytesIO(data)).active


def document_of(data: bytes):
    return Document(BytesIO(data))


def runs_fonts(doc) -> list[dict[str, str | None]]:
    """Each run's declared fonts (ascii, hAnsi, eastAsia), the body's tables included."""
    found = []
    for r in doc.element.body.iter(qn("w:r")):
        fonts = r.rPr.rFonts if r.rPr is not None else None
        found.append({slot: fonts.get(qn(f"w:{slot}")) if fonts is not None else None
                      for slot in ("ascii", "hAnsi", "eastAsia")})
    return found


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def written_borders(data: bytes) -> dict[str, set[str]]:
    """The thin sides each cell of the sheet is written with, as Excel and WPS read the file (not
    as openpyxl rebuilds merged cells on loading)."""
    with ZipFile(BytesIO(data)) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    borders = [
        {side.tag.removeprefix(MAIN) for side in border if side.get("style") == "thin"}
        for border in styles.find(f"{MAIN}borders")
    ]
    xfs = [int(xf.get("borderId", "0")) for xf in styles.find(f"{MAIN}cellXfs")]
    return {c.get("r"): borders[xfs[int(c.get("s", "0"))]] for c in sheet.iter(f"{MAIN}c")}
