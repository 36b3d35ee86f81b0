"""The official forms as LibreOffice prints them: each on the pages a bureau expects.

Every form is written to one folder and converted to PDF by one headless ``soffice`` run (its
own profile under the folder, so that parallel test runs never share one); the tests here stay in
this one module, so that ``--dist loadfile`` keeps them on one worker. Where LibreOffice is missing
(scripts/ensure-libreoffice.sh installs it), they are skipped with the reason, except where
CAMPUSEVAL_REQUIRE_LIBREOFFICE=1 (CI): there a missing LibreOffice fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from campuseval.campaigns.exports import (
    ListHead,
    ListRow,
    recommendation_list_docx,
    recommendation_list_xlsx,
)
from campuseval.filings.exports import (
    application_form_docx,
    expert_sheet_docx,
    expert_sheet_xlsx,
    results_list_docx,
    results_list_xlsx,
    score_sheet_docx,
    score_sheet_xlsx,
)

from .samples import application, expert_sheet, results_list, taizhou_sheet

PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page object, not the /Pages tree
TIMEOUT = 120

HEAD = ListHead(title="2022年泰州市智慧校园创建 推荐名单", county="海陵区", contact="李老师", phone="0523-1234567")
SCHOOLS = [
    ListRow(school=f"泰州市海陵区第{n}实验小学", contact="张老师", phone="13800000000", tier="示范型", score=100.5,
            highlights="“三个课堂”常态化应用，智慧课堂覆盖全部学科。" * 3)
    for n in range(1, 4)
]
FORTY = (("示范型", 10), ("优秀型", 15), ("合格型", 15))

# The file, how it is built, and the pages it prints on.
FORMS: dict[str, tuple[Callable[[], bytes], int]] = {
    "application-form.docx": (lambda: application_form_docx(application()), 1),
    "self-assessment.xlsx": (lambda: score_sheet_xlsx(taizhou_sheet(scored=True, total=98.5)), 1),
    "self-assessment-word.docx": (lambda: score_sheet_docx(taizhou_sheet(scored=True, total=98.5)), 1),
    "recommendation-list.xlsx": (lambda: recommendation_list_xlsx(HEAD, SCHOOLS), 1),
    "recommendation-list-word.docx": (lambda: recommendation_list_docx(HEAD, SCHOOLS), 1),
    "results-list.xlsx": (lambda: results_list_xlsx(results_list(FORTY)), 1),
    "results-list-word.docx": (lambda: results_list_docx(results_list(FORTY)), 1),
    "expert-sheet.xlsx": (lambda: expert_sheet_xlsx(expert_sheet(30)), 1),
    "expert-sheet-word.docx": (lambda: expert_sheet_docx(expert_sheet(30)), 1),
}


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        reason = "LibreOffice (soffice) is not installed: scripts/ensure-libreoffice.sh installs it"
        if os.environ.get("CAMPUSEVAL_REQUIRE_LIBREOFFICE"):
            pytest.fail(f"{reason} (CAMPUSEVAL_REQUIRE_LIBREOFFICE=1 requires the PDF page tests)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    """The folder of the forms' PDFs, all converted by one LibreOffice run."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("forms")
    for name, (build, _pages) in FORMS.items():
        (folder / name).write_bytes(build())
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder / "pdf"), *(str(folder / name) for name in FORMS)],
        capture_output=True, timeout=TIMEOUT, check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return folder / "pdf"


def pages_of(pdf: Path) -> int:
    return len(PAGE.findall(pdf.read_bytes()))


@pytest.mark.parametrize("name", FORMS)
def test_each_form_prints_on_the_pages_a_bureau_expects(pdfs, name):
    pdf = pdfs / f"{Path(name).stem}.pdf"
    assert pdf.exists(), f"LibreOffice wrote no PDF for {name}"
    assert pages_of(pdf) == FORMS[name][1]
