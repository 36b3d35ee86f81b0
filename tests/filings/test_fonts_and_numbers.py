"""What every Word form shares: the Chinese font declared for East Asian text; and how scores print."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn

from campuseval.exporting import score_number
from campuseval.filings.exports import (
    application_form_docx,
    expert_sheet_docx,
    results_list_docx,
    score_sheet_docx,
)

from .samples import application, document_of, expert_sheet, results_list, runs_fonts, taizhou_sheet

FORMS = {
    "申报表": lambda: application_form_docx(application()),
    "自评表": lambda: score_sheet_docx(taizhou_sheet(scored=True, total=98.5)),
    "评审打分表": lambda: expert_sheet_docx(expert_sheet()),
    "认定结果名单": lambda: results_list_docx(results_list()),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_run_of_a_word_form_names_the_chinese_font_for_east_asian_text(form):
    doc = document_of(FORMS[form]())
    fonts = runs_fonts(doc)
    assert len(fonts) > 10
    assert all(f == {"ascii": "宋体", "hAnsi": "宋体", "eastAsia": "宋体"} for f in fonts), form


@pytest.mark.parametrize("form", FORMS)
def test_the_normal_style_of_a_word_form_is_chinese_too(form):
    normal = document_of(FORMS[form]()).styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert normal.font.name == "宋体"


@pytest.mark.parametrize(
    ("value", "printed"), [(110.0, 110), (92.5, 92.5), (1.6667, 1.67), (-0.0, 0), (0.1 + 0.2, 0.3)]
)
def test_scores_print_as_the_seed_writes_them(value, printed):
    assert score_number(value) == printed
    assert str(score_number(value)) == str(printed)
