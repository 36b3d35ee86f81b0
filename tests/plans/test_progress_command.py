"""`campuseval progress PLAN.csv`: the contract, and Chuzhou's two 任务分解表 reproduced."""

from __future__ import annotations

import csv
import io

import pytest

from campuseval.cli import main

from .chuzhou_seed import (
    DISAGREEMENTS,
    OTHER,
    OTHER_SUBTOTAL,
    PLAN_CSV,
    POINTS,
    POOR,
    POOR_SUBTOTAL,
    RURAL,
    RURAL_ROWS,
    RURAL_TOTAL,
    YEARS,
)

HEADER = "region,category,total,year,planned\n"
OUT_HEADER = "region,category,year,planned,cumulative,total,rate"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, text, encoding="utf-8", name="plan.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def parse(out):
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def chuzhou(capsys):
    code, out, err = run(capsys, "progress", str(PLAN_CSV))
    assert code == 0, err
    assert err == ""
    assert out.splitlines()[0] == OUT_HEADER
    return {(r["category"], r["region"], int(r["year"])): r for r in parse(out)}


def _printed(rows, category, chuzhou, disagreements):
    """Compare every printed (建设数, 完成率) with the command's row; collect disagreements."""
    for label, total, years in rows:
        for year, (planned, printed_rate) in zip(YEARS, years, strict=True):
            row = chuzhou[category, label, year]
            assert int(row["total"]) == total, (label, year)
            assert int(row["planned"]) == (planned or 0), (label, year)
            if printed_rate is None:
                # —— : nothing left to build, or nothing to build at all (琅琊区 has no 教学点).
                assert planned is None
                assert row["rate"] in ("", "100"), (label, year)
                assert row["rate"] == ("" if total == 0 else "100")
            elif int(row["rate"]) != printed_rate:
                disagreements.append((category, label, year, printed_rate, int(row["rate"])))


def test_it_reproduces_the_teaching_point_table(chuzhou):
    found = []
    _printed(POOR + OTHER, POINTS, chuzhou, found)
    assert found == [d for d in DISAGREEMENTS if d[0] == POINTS]
    # 天长市 builds 1 of 3 twice: 2/3 is 66.67%, half up 67; the seed prints 66%.
    assert chuzhou[POINTS, "天长市", 2020]["cumulative"] == "2"
    assert chuzhou[POINTS, "天长市", 2020]["rate"] == "67"


def test_its_totals_are_the_seeds_subtotals_added_up(chuzhou):
    # 附件1 prints a 小计 per group and no city total: 合计 = 贫困地区小计 + 其他地区小计.
    done = 0
    for year, (poor, other) in zip(
        YEARS, zip(POOR_SUBTOTAL[2], OTHER_SUBTOTAL[2], strict=True), strict=True
    ):
        row = chuzhou[POINTS, "合计", year]
        planned = (poor[0] or 0) + (other[0] or 0)
        done += planned
        assert int(row["planned"]) == planned
        assert int(row["cumulative"]) == done
        assert int(row["total"]) == POOR_SUBTOTAL[1] + OTHER_SUBTOTAL[1] == 67
    # The 其他地区 小计 row (9 16%, 8 30%, 11 50%, 28 100%) from its counties' rows.
    others = [label for label, *_ in OTHER]
    done = 0
    for year, (planned, printed_rate) in zip(YEARS, OTHER_SUBTOTAL[2], strict=True):
        assert sum(int(chuzhou[POINTS, c, year]["planned"]) for c in others) == planned
        done += planned
        assert round(done * 100 / 56) == printed_rate


def test_it_reproduces_the_rural_school_table_and_its_city_total(chuzhou):
    found = []
    _printed([*RURAL_ROWS, ("合计", *RURAL_TOTAL[1:])], RURAL, chuzhou, found)
    assert found == []
    assert [chuzhou[RURAL, "合计", y]["cumulative"] for y in YEARS] == ["30", "83", "128", "175"]


def test_it_prints_the_rows_in_input_order_then_the_totals(tmp_path, capsys):
    text = HEADER + "乙县,A,4,2021,2\n甲县,A,2,2020,1\n甲县,A,2,2021,1\n乙县,A,4,2020,1\n"
    code, out, _ = run(capsys, "progress", write(tmp_path, text))
    assert code == 0
    assert out.splitlines() == [
        OUT_HEADER,
        "乙县,A,2021,2,3,4,75",
        "甲县,A,2020,1,1,2,50",
        "甲县,A,2021,1,2,2,100",
        "乙县,A,2020,1,1,4,25",
        "合计,A,2021,3,5,6,83",
        "合计,A,2020,2,2,6,33",
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_it_reads_excel_and_wps_csv_with_a_bom_or_in_gbk(tmp_path, capsys, encoding):
    text = HEADER + "天长市,教学点智慧课堂,3,2019,1\n天长市,教学点智慧课堂,3,2020,1\n"
    code, out, err = run(capsys, "progress", write(tmp_path, text, encoding))
    assert code == 0, err
    assert parse(out)[1] == {
        "region": "天长市", "category": "教学点智慧课堂", "year": "2020",
        "planned": "1", "cumulative": "2", "total": "3", "rate": "67",
    }  # fmt: skip


BAD = [
    ("region,category,total,year\n甲,A,1,2019\n", ["plan.csv:1: 缺少列“planned”"]),
    (HEADER + "甲,A,一,2019,1\n", ["plan.csv:2: 合计数（total）“一”不是整数"]),
    (HEADER + "甲,A,3,2019,1.5\n", ["plan.csv:2: 建设数（planned）“1.5”不是整数"]),
    (HEADER + "甲,A,3,二〇一九,1\n", ["plan.csv:2: 年份（year）“二〇一九”不是整数"]),
    (HEADER + "甲,A,3,2019,-1\n", ["plan.csv:2: 建设数（planned）-1 小于 0"]),
    (HEADER + "甲,A,-3,2019,1\n", ["plan.csv:2: 合计数（total）-3 小于 0"]),
    (HEADER + "甲,A,3,2019,4\n", ["plan.csv:2: 建设数（planned）4 超过甲的合计数（total）3"]),
    (
        HEADER + "甲,A,3,2019,1\n甲,A,4,2020,1\n",
        ["plan.csv:3: 甲“A”的合计数（total）4 与第 2 行的 3 不同"],
    ),
    (
        HEADER + "甲,A,3,2019,2\n甲,A,3,2020,1\n甲,A,3,2021,1\n",
        ["plan.csv:4: 甲“A”到 2021 年累计建设数 4 超过合计数（total）3"],
    ),
    (HEADER + "甲,A,3,2019,1\n甲,A,3,2019,1\n", ["plan.csv:3: 甲“A”2019 年重复（第 2 行已有）"]),
    (HEADER + ",A,3,2019,1\n", ["plan.csv:2: 县（市、区）（region）为空"]),
    (HEADER + "合计,A,3,2019,1\n", ["plan.csv:2: 县（市、区）（region）不能是“合计”"]),
    ("", ["plan.csv:1: 文件是空的"]),
    (b"PK\x03\x04rest", ["plan.csv: 这是 Excel 工作簿（.xlsx），不是 CSV"]),
    (HEADER.encode() + b"\xff\xfe\xff,A,1,2019,1\n", ["plan.csv:2: 既不是 UTF-8 也不是 GBK"]),
]


@pytest.mark.parametrize(("text", "messages"), BAD)
def test_bad_input_exits_2_with_one_message_per_problem_and_no_output(
    tmp_path, capsys, text, messages
):
    code, out, err = run(capsys, "progress", write(tmp_path, text))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == len(messages), err
    for line, message in zip(lines, messages, strict=True):
        assert line.startswith(message), err


def test_every_problem_of_a_file_is_listed(tmp_path, capsys):
    text = HEADER + "甲,A,x,2019,1\n乙,A,3,2019,9\n丙,A,2,2019,1\n丙,A,5,2020,1\n甲,A,3,2020,y\n"
    code, out, err = run(capsys, "progress", write(tmp_path, text))
    assert (code, out) == (2, "")
    assert [line.split(": ")[0] for line in err.splitlines()] == [
        "plan.csv:2", "plan.csv:3", "plan.csv:5", "plan.csv:6",
    ]  # fmt: skip


def test_a_missing_file_exits_2_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["progress", str(tmp_path / "nowhere.csv")])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "nowhere.csv: 无法读取文件" in err


def test_the_installed_command_runs_without_django_settings(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "campuseval.cli", "progress", str(PLAN_CSV)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "合计,乡村中小学智慧学校,2022,47,175,175,100" in done.stdout.splitlines()
    bad = subprocess.run(
        [sys.executable, "-m", "campuseval.cli", "progress", write(tmp_path, HEADER + "甲,A,1,2019,2\n")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "超过" in bad.stderr
