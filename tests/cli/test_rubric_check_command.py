"""`campuseval rubric check FILE`: structure errors exit 1, subtotal disagreements warn."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from campuseval.cli import main
from campuseval.rubricfile.load import rubrics_dir

SHIPPED = sorted(p.name for p in rubrics_dir().glob("*.yaml"))


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_rubric_passes_the_checker(capsys, name):
    code, out, err = run(capsys, "rubric", "check", str(rubrics_dir() / name))
    assert code == 0, err
    assert out.splitlines()[-1].startswith("ok: ")


def test_it_warns_about_a_stated_subtotal_that_disagrees_naming_its_code(capsys):
    code, out, _ = run(capsys, "rubric", "check", str(rubrics_dir() / "zibo.yaml"))
    assert code == 0
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: 2.3 资源应用: 标明小计 6 分，所含指标合计 8 分"]


def _taizhou_data():
    return yaml.safe_load((rubrics_dir() / "taizhou-2022.yaml").read_text(encoding="utf-8"))


def test_it_warns_for_an_area_whose_subareas_disagree(tmp_path, capsys):
    data = _taizhou_data()
    data["areas"][0]["points"] = 27
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 0
    assert "warning: 1 基础环境: 标明小计 27 分，所含二级指标合计 26 分" in out


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["areas"][0]["subareas"][0]["indicators"][0].update(points="二"), "points"),
        (lambda d: d["areas"][0]["subareas"][0]["indicators"][1].update(code="1.1.1"), "编码重复：1.1.1"),
        (lambda d: d.pop("tiers"), "tiers"),
        (lambda d: d["tiers"][0].update(min_total=200), "要求 200 分，但满分只有 110 分"),
        (
            lambda d: d["areas"][0]["subareas"][0]["indicators"][0].update(
                checks=[{"name": "x", "expr": "__import__('os')", "op": ">=", "limit": 1}]
            ),
            "表达式",
        ),
        (
            lambda d: d["areas"][0]["subareas"][0]["indicators"][0].update(
                clause={"requirement": "demo", "text": "不在原文里"}
            ),
            "不在指标原文中",
        ),
    ],
)
def test_it_exits_1_on_a_structural_error_naming_it(tmp_path, capsys, mutate, expected):
    data = _taizhou_data()
    mutate(data)
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = run(capsys, "rubric", "check", str(path))
    assert code == 1
    assert expected in err


def test_it_exits_1_on_a_file_that_is_not_yaml(tmp_path, capsys):
    path = Path(tmp_path / "r.yaml")
    path.write_text("id: [unclosed", encoding="utf-8")
    code, _, err = run(capsys, "rubric", "check", str(path))
    assert code == 1
    assert "YAML 语法错误" in err
