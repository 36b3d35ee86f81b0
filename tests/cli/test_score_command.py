"""`campuseval score RUBRIC_ID SCORES.csv [--facts FACTS.csv] [--json]`: the contract."""

from __future__ import annotations

import csv
import io
import json

import pytest

from campuseval.cli import main
from campuseval.rubricfile.load import find_rubric

HEADER = "school,indicator,score,clause\n"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def full_rows(rubric_id, school, clause="1", skip=()):
    rubric = find_rubric(rubric_id)
    rows = []
    for ind in rubric.all_indicators():
        if ind.code in skip:
            continue
        c = clause if ind.clause else ""
        rows.append(f"{school},{ind.code},{ind.points:g},{c}\n")
    return "".join(rows)


def parse(out):
    return list(csv.DictReader(io.StringIO(out)))


def test_it_prints_one_row_per_school_in_input_order(tmp_path, capsys):
    text = HEADER + full_rows("taizhou-2022", "Z学校") + full_rows("taizhou-2022", "A学校", clause="0")
    code, out, err = run(capsys, "score", "taizhou-2022", write(tmp_path, "s.csv", text))
    assert code == 0, err
    assert out.splitlines()[0] == "school,total,tier,missed_basic,missed_demo,warnings"
    rows = parse(out)
    assert [r["school"] for r in rows] == ["Z学校", "A学校"]
    assert rows[0]["total"] == "110" and rows[0]["tier"] == "示范型"
    assert rows[1]["tier"] == "优秀型"
    assert rows[1]["missed_demo"] == "1.3.3;1.4.1;2.2.2"


def test_it_scores_a_missing_indicator_zero_with_its_clause_not_met(tmp_path, capsys):
    text = HEADER + full_rows("taizhou-2022", "S", skip={"1.1.1", "1.3.3"})
    code, out, _ = run(capsys, "score", "taizhou-2022", write(tmp_path, "s.csv", text))
    row = parse(out)[0]
    assert code == 0
    assert row["total"] == "107"
    assert row["tier"] == "未达标"
    assert row["missed_basic"] == "1.1.1;1.3.3"
    assert "1.3.3" in row["missed_demo"].split(";")


def test_it_reads_excel_csv_utf8_with_a_byte_order_mark(tmp_path, capsys):
    text = HEADER + full_rows("taizhou-2022", "S")
    path = write(tmp_path, "s.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, out, _ = run(capsys, "score", "taizhou-2022", path)
    assert code == 0 and parse(out)[0]["total"] == "110"


def test_it_lists_the_unmet_weifang_c_and_d_criteria(tmp_path, capsys):
    rows = full_rows("weifang-2022", "S").replace("S,C24,1,", "S,C24,0,").replace("S,D3,1,", "S,D3,0,")
    code, out, _ = run(capsys, "score", "weifang-2022", write(tmp_path, "s.csv", HEADER + rows))
    row = parse(out)[0]
    assert code == 0
    assert (row["tier"], row["missed_basic"], row["missed_demo"]) == ("未达标", "C24", "D3")


def test_it_warns_when_the_facts_contradict_the_claim(tmp_path, capsys):
    scores = write(tmp_path, "s.csv", HEADER + full_rows("taizhou-2022", "S"))
    facts = write(
        tmp_path,
        "f.csv",
        "school,fact,value\nS,stage,小学\nS,students,1200\nS,student_computers,60\n",
    )
    code, out, _ = run(capsys, "score", "taizhou-2022", scores, "--facts", facts)
    row = parse(out)[0]
    assert code == 0
    assert row["warnings"].startswith("1.2.2 ")
    assert "20" in row["warnings"]


def test_json_output_includes_the_way_to_the_next_tier(tmp_path, capsys):
    text = HEADER + full_rows("taizhou-2022", "S", clause="0")
    code, out, _ = run(capsys, "score", "taizhou-2022", write(tmp_path, "s.csv", text), "--json")
    data = json.loads(out)
    assert code == 0
    assert data[0]["tier"] == "优秀型"
    path = data[0]["next_tier"]
    assert path["target"] == "示范型"
    assert {s["indicator"] for s in path["steps"]} == {"1.3.3", "1.4.1", "2.2.2"}
    assert all(s["clause_met"] for s in path["steps"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("school,indicator,clause\nS,1.1.1,\n", "s.csv:1: 缺少列“score”"),
        (HEADER + "S,9.9.9,1,\n", "s.csv:2: 未知的指标编码“9.9.9”"),
        (HEADER + "S,1.1.1,2.5,\n", "s.csv:2: 指标 1.1.1 的得分 2.5 超过该指标分值 2"),
        (HEADER + "S,1.1.1,-1,\n", "s.csv:2: 指标 1.1.1 的得分 -1 小于 0"),
        (HEADER + "S,1.1.1,两分,\n", "s.csv:2: 指标 1.1.1 的得分“两分”不是数字"),
        (HEADER + "S,1.1.1,nan,\n", "s.csv:2: 指标 1.1.1 的得分“nan”不是数字"),
        (HEADER + "S,1.1.1,1,\nS,1.1.1,2,\n", "s.csv:3: 学校“S”的指标 1.1.1 重复（第 2 行已有）"),
        (HEADER + "S,1.3.3,1,是\n", "s.csv:2: 指标 1.3.3 的条款判断（clause）只能为空、1 或 0"),
        (HEADER + "S,1.1.1,1,1\n", "s.csv:2: 指标 1.1.1 没有条款"),
        (HEADER + ",1.1.1,1,\n", "s.csv:2: 学校（school）为空"),
        (HEADER + "S,1.1.1,1,,extra\n", "s.csv:2: 列数多于表头"),
        ("", "s.csv:1: 文件是空的"),
    ],
)
def test_it_refuses_bad_input_naming_the_line_and_prints_no_result(tmp_path, capsys, text, expected):
    code, out, err = run(capsys, "score", "taizhou-2022", write(tmp_path, "s.csv", text))
    assert code == 2
    assert out == ""
    assert expected in err


def test_it_refuses_a_file_that_is_not_utf8(tmp_path, capsys):
    path = write(tmp_path, "s.csv", HEADER + "测试学校,1.1.1,1,\n", encoding="gbk")
    code, out, err = run(capsys, "score", "taizhou-2022", path)
    assert (code, out) == (2, "")
    assert "s.csv:2: 不是 UTF-8 编码的 CSV 文件" in err


def test_it_refuses_an_excel_workbook_with_advice(tmp_path, capsys):
    path = write(tmp_path, "s.csv", b"PK\x03\x04rest-of-a-zip")
    code, out, err = run(capsys, "score", "taizhou-2022", path)
    assert (code, out) == (2, "")
    assert "另存为“CSV UTF-8”" in err


def test_it_criteria_scores_must_be_zero_or_one(tmp_path, capsys):
    code, out, err = run(capsys, "score", "weifang-2022", write(tmp_path, "s.csv", HEADER + "S,C1,0.5,\n"))
    assert (code, out) == (2, "")
    assert "只能是 1（达到）或 0（未达到）" in err


def test_it_reports_every_problem_in_both_files_at_once(tmp_path, capsys):
    scores = write(tmp_path, "s.csv", HEADER + "S,9.9,1,\nS,1.1.1,x,\n")
    facts = write(tmp_path, "f.csv", "school,fact,value\nS,bandwidth,1\nS,students,many\n")
    code, out, err = run(capsys, "score", "taizhou-2022", scores, "--facts", facts)
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert [line.split(":")[0:2] for line in lines] == [
        ["s.csv", "2"],
        ["s.csv", "3"],
        ["f.csv", "2"],
        ["f.csv", "3"],
    ]


def test_it_refuses_an_unknown_rubric(tmp_path, capsys):
    code, out, err = run(capsys, "score", "nowhere-2030", write(tmp_path, "s.csv", HEADER))
    assert (code, out) == (2, "")
    assert "taizhou-2022" in err
