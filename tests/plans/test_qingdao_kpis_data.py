"""The Qingdao 2022-2024 action plan's KPIs, transcribed in campuseval/plans/data/qingdao-2022-2024.yaml.

The data file is checked against the issue's list of KPIs and, where the seed document is on
this machine, against the seed itself: every quote verbatim, every 责任处室 as printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

DATA = (
    Path(__file__).resolve().parents[2] / "campuseval" / "plans" / "data" / "qingdao-2022-2024.yaml"
)
SEED = Path("/work/shared/seeds/003_636d809198523e5b.txt")

# Responsibility entries of the seed that are not one department of the bureau: the
# districts (recorded as all_districts) and "every department".
DISTRICTS = "各区市"
ALL_DEPARTMENTS = "各处室"

KINDS = {"number", "percent", "milestone"}
COMPUTED = {"certified_count", "demonstration_schools", "coverage", "school_facts", None}

# The issue's list: (words in the KPI's text, target, unit, lead, co, all_districts).
ISSUE_KPIS = [
    ("首席信息官", 100, "名", "装备信息中心", ["教师工作处", "教科院"], False),
    ("信息化校长", 300, "名", "装备信息中心", ["教师工作处", "教科院"], False),
    ("信息化学科教师", 500, "名", "装备信息中心", ["教师工作处", "教科院"], False),
    ("三赛一节", 50, "项", "基教处", ["装备信息中心"], False),
    ("优秀案例", 300, "个", "装备信息中心", [], False),
    ("网络安全监测覆盖率", 100, "%", "装备信息中心", ["安全处"], True),
    ("等级保护达标率", 100, "%", "装备信息中心", ["安全处"], True),
    ("40G", 40, "G", "装备信息中心", [], True),
    ("万兆", 100, "%", "装备信息中心", [], True),
    ("典型数字应用场景", 50, "个", "装备信息中心", [], False),
    ("优质教学软件应用", 50, "个", "装备信息中心", [], False),
    ("校本优质教育资源库", 50, "个", "装备信息中心", [], False),
    ("青岛市智慧校园示范校", 100, "所", "装备信息中心", [], False),
    ("智慧校园达标率", 100, "%", "装备信息中心", [], False),
    ("课程普及率", 100, "%", "装备信息中心", ["教科院"], False),
    ("实验室建设率", 100, "%", "装备信息中心", ["教科院"], False),
    ("骨干教师", 50, "名", "装备信息中心", ["教师工作处"], False),
    ("人工智能教育示范区", 4, "个", "装备信息中心", ["教科院"], False),
    ("人工智能教育示范校", 100, "所", "装备信息中心", ["教科院"], False),
    ("样本数量", 200000, "份", "装备信息中心", ["教科院"], False),
]

MILESTONES = [
    "评估模型和评价指标体系",
    "网络安全责任制考核办法",
    "《青岛市教育系统网络IPv6升级规划方案》",
    "《青岛市教育系统数据安全管理规范》",
    "资源准入、评价机制",
    "《青岛市智慧校园建设应用评估标准》",
]

PROJECTS = [
    "师生信息素养提升工程",
    "教育网络安全保障工程",
    "数字资源共建共享工程",
    "智慧教育环境建设工程",
    "人工智能教育提质工程",
    "教育e平台赋能工程",
]

RESPONSIBLE = re.compile(r"\(责任处室:([^)]*)\)")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kpis(data):
    return [kpi for project in data["projects"] for kpi in project["kpis"]]


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip(f"seed document not on this machine: {SEED}")
    return _plain(SEED.read_text(encoding="utf-8"))


def test_plan_header(data):
    plan = data["plan"]
    assert plan["title"] == "青岛市国家“智慧教育示范区”创建行动计划(2022-2024年)"
    assert plan["owner"] == "青岛市教育局"
    assert plan["years"] == [2022, 2024]
    assert plan["title"] in plan["source"]
    assert "青教通字〔2022〕71号" in plan["source"]


def test_six_projects_in_order(data):
    assert [project["name"] for project in data["projects"]] == PROJECTS


@pytest.mark.parametrize(("words", "target", "unit", "lead", "co", "all_districts"), ISSUE_KPIS)
def test_issue_kpi_present(kpis, words, target, unit, lead, co, all_districts):
    found = [kpi for kpi in kpis if words in kpi["text"]]
    assert len(found) == 1, f"{words}: {len(found)} KPIs"
    kpi = found[0]
    assert (kpi["target"], kpi["unit"]) == (target, unit)
    assert kpi["kind"] == ("percent" if unit == "%" else "number")
    assert (kpi["lead"], kpi["co"], kpi["all_districts"]) == (lead, co, all_districts)


@pytest.mark.parametrize("words", MILESTONES)
def test_milestone_present(kpis, words):
    found = [kpi for kpi in kpis if kpi["kind"] == "milestone" and words in kpi["milestone"]]
    assert len(found) == 1, words


def test_every_kpi_is_well_formed(kpis):
    for kpi in kpis:
        assert kpi["text"] and kpi["quote"], kpi
        assert kpi["kind"] in KINDS, kpi["text"]
        assert kpi["computed"] in COMPUTED, kpi["text"]
        assert 2022 <= kpi["due"] <= 2024, kpi["text"]
        assert isinstance(kpi["co"], list) and isinstance(kpi["all_districts"], bool)
        if kpi["kind"] == "milestone":
            assert kpi["target"] is None and kpi["unit"] is None and kpi["milestone"], kpi["text"]
        else:
            assert isinstance(kpi["target"], int) and kpi["target"] > 0, kpi["text"]
            assert kpi["unit"] and kpi["milestone"] is None, kpi["text"]
            assert (kpi["unit"] == "%") == (kpi["kind"] == "percent"), kpi["text"]
            if kpi["kind"] == "percent":
                assert kpi["target"] <= 100, kpi["text"]


def test_every_department_is_listed(data, kpis):
    departments = data["departments"]
    assert len(departments) == len(set(departments))
    assert DISTRICTS not in departments and ALL_DEPARTMENTS not in departments
    for kpi in kpis:
        for name in [kpi["lead"], *kpi["co"]]:
            assert name in departments, f"{kpi['text']}: {name}"


def test_quotes_are_verbatim(kpis, seed):
    for kpi in kpis:
        assert _plain(kpi["quote"]) in seed, kpi["text"]


def test_departments_as_the_seed_prints_them(data, kpis, seed):
    first_seen: list[str] = []
    for group in RESPONSIBLE.findall(seed):
        for name in group.split("、"):
            if name not in first_seen and name not in (DISTRICTS, ALL_DEPARTMENTS):
                first_seen.append(name)
    assert data["departments"] == first_seen
    for kpi in kpis:
        # Each quote is one sentence of the seed, with the one 责任处室 it ends with.
        (group,) = RESPONSIBLE.findall(kpi["quote"])
        printed = group.split("、")
        assert printed[0] == kpi["lead"], kpi["text"]
        named = [name for name in printed[1:] if name not in (DISTRICTS, ALL_DEPARTMENTS)]
        assert named == kpi["co"], kpi["text"]
        assert (DISTRICTS in printed) == kpi["all_districts"], kpi["text"]
