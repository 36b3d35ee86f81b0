"""`campuseval rubric export` and `campuseval rubric import`: the spreadsheet round trip."""

from __future__ import annotations

import io

import openpyxl

from campuseval.cli import main
from campuseval.rubricfile.load import find_rubric, load_rubric_file


def test_export_then_import_gives_back_the_same_rubric(tmp_path, capsys):
    xlsx, out = tmp_path / "tz.xlsx", tmp_path / "tz.yaml"
    assert main(["rubric", "export", "taizhou-2022", str(xlsx)]) == 0
    assert main(["rubric", "import", str(xlsx), "-o", str(out)]) == 0
    assert load_rubric_file(out) == find_rubric("taizhou-2022")
    assert "82 个指标" in capsys.readouterr().out


def test_import_refuses_to_overwrite_without_force(tmp_path, capsys):
    xlsx, out = tmp_path / "tz.xlsx", tmp_path / "tz.yaml"
    main(["rubric", "export", "zibo", str(xlsx)])
    out.write_text("keep me", encoding="utf-8")
    assert main(["rubric", "import", str(xlsx), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "keep me"
    assert "--force" in capsys.readouterr().err
    assert main(["rubric", "import", str(xlsx), "-o", str(out), "--force"]) == 0


def test_import_of_a_bad_sheet_lists_every_problem_and_writes_nothing(tmp_path, capsys):
    xlsx, out = tmp_path / "tz.xlsx", tmp_path / "tz.yaml"
    main(["rubric", "export", "taizhou-2022", str(xlsx)])
    book = openpyxl.load_workbook(xlsx)
    sheet = book["评估标准"]
    sheet["D3"] = "两分"
    sheet["D5"] = -1
    buf = io.BytesIO()
    book.save(buf)
    xlsx.write_bytes(buf.getvalue())
    capsys.readouterr()
    assert main(["rubric", "import", str(xlsx), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "第3行 D列" in err and "第5行 D列" in err
    assert not out.exists()


def test_import_of_a_file_that_is_not_a_workbook_says_so(tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert main(["rubric", "import", str(bad)]) == 2
    assert "不是有效的 .xlsx 工作簿" in capsys.readouterr().err
