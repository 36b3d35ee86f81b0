"""GET /rubrics/<code>/ and /rubrics/<code>/v<version>/: one rubric as its tree."""

from __future__ import annotations

import re

import pytest

from campuseval.rubrics.models import Rubric

from .conftest import load_rubrics


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_taizhou_with_its_total_and_area_totals(client, loaded):
    html = page(client, "/rubrics/taizhou-2022/")

    assert "泰州市中小学智慧校园建设评估细则（2022版）" in html
    assert re.search(r'class="ce-total">110<', html)
    assert re.findall(r'class="ce-area-total">([\d.]+)<', html) == [
        "26", "10", "10", "42", "12", "10",
    ]  # fmt: skip
    assert "一、基础环境" in html and "（三）教学环境" in html
    assert "小计 7 分" in html


def test_it_marks_basic_and_demo_requirements(client, loaded):
    html = page(client, "/rubrics/taizhou-2022/")

    # 1.1.5 is ▲ as a whole; 1.1.1 is ★.
    ind_115 = re.search(r'id="ind-1\.1\.5".*?</p>', html, re.S)[0]
    ind_111 = re.search(r'id="ind-1\.1\.1".*?</p>', html, re.S)[0]
    assert "▲ 示范要求" in ind_115
    assert "★ 基本要求" in ind_111
    assert "▲ 示范要求" not in ind_111


def test_it_highlights_the_demo_clause_inside_1_3_3(client, loaded):
    html = page(client, "/rubrics/taizhou-2022/")

    clause = re.search(
        r'<span class="ce-clause ce-clause-demo" data-clause="1\.3\.3">(.*?)</span>(?=）)', html
    )
    assert clause is not None
    assert "▲ 示范要求" in clause[1]
    assert clause[1].endswith("支持“三个课堂”活动")
    # The badge stands in for the source's own ▲ before the clause.
    assert "支持网络教学教研（<span" in html


def test_it_shows_the_tiers_with_their_rules(client, loaded):
    html = page(client, "/rubrics/taizhou-2022/")

    tiers = html[html.index('id="tiers-title"') : html.index('id="tree-title"')]
    assert "示范型" in tiers and "优秀型" in tiers and "合格型" in tiers
    assert "总分 ≥ 90 分" in tiers
    assert "全部 ▲ 示范要求" in tiers
    assert "以上都不满足：未达标。" in tiers
    assert "注：标记★的指标为创建学校应达到的基本要求" in html  # the source's note


def test_it_shows_fact_checks_in_words_with_assumed_badges(client, loaded):
    html = page(client, "/rubrics/taizhou-2022/")

    check = re.search(r'id="ind-1\.2\.2".*?</ul>', html, re.S)[0]
    assert "生机比" in check
    assert "学生数 / 学生用计算机及移动终端数 ≤ 小学 10，初中 8，高中 6" in check
    assert "假定" in check
    assert "城域网接入带宽" in html
    assert "互联网（教育城域网）接入带宽（Mbit/s） ≥ 1000" in html


def test_it_warns_where_zibo_2_3_states_a_subtotal_its_items_exceed(client, loaded):
    html = page(client, "/rubrics/zibo/")

    sub = re.search(r'id="sub-2\.3".*?<ul class="list-group">', html, re.S)[0]
    assert "alert-warning" in sub
    assert "2.3 资源应用: 标明小计 6 分，所含指标合计 8 分" in sub
    assert re.search(r'class="ce-total">110<', html)
    assert "原文未写总分" in html


def test_it_shows_zibos_assumed_tiers_and_assumptions(client, loaded):
    html = page(client, "/rubrics/zibo/")

    tiers = html[html.index('id="tiers-title"') : html.index('id="tree-title"')]
    assert tiers.count(">假定</span>") == 2
    assert "智慧校园示范学校" in tiers and "总分 ≥ 70 分" in tiers
    assert "原文未规定达标分数线" in tiers  # the tier's note
    assert 'id="assumptions-title"' in html


def test_it_shows_weifangs_c_and_d_criteria_side_by_side(client, loaded):
    html = page(client, "/rubrics/weifang-2022/")

    assert "智慧校园标准" in html and "智慧校园示范校标准" in html
    assert "A1" in html and "B1" in html
    row = re.search(r'<div class="row g-3 mb-2">.*?id="ind-C1".*?id="ind-(\w+)"', html, re.S)
    assert row[1] == "D1"  # D1 is in the same row as C1
    assert "达标型" in html
    assert "分</span>" not in re.search(r'id="ind-C1".*?</div>\s*</div>', html, re.S)[0]


def test_it_shows_an_older_version_at_its_own_address(client, rubrics_dir):
    load_rubrics()
    path = rubrics_dir / "zibo.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("实现优质资源班班通", "班班通"))
    load_rubrics()

    latest = page(client, "/rubrics/zibo/")
    old = page(client, "/rubrics/zibo/v1/")

    assert "第 2 版" in latest and "实现优质资源班班通" not in latest
    assert "实现优质资源班班通" in old
    assert "不是最新版本" in old
    assert 'href="/rubrics/zibo/v1/export.xlsx"' in old


@pytest.mark.parametrize("url", ["/rubrics/nowhere/", "/rubrics/zibo/v9/", "/rubrics/zibo/v0/"])
def test_it_answers_404_in_chinese_for_an_unknown_code_or_version(client, loaded, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


@pytest.mark.parametrize("code", ["taizhou-2022", "weifang-2022", "zibo"])
def test_it_runs_two_queries_whatever_the_rubric(client, loaded, code, django_assert_num_queries):
    with django_assert_num_queries(2):  # the version shown, and the list of versions
        client.get(f"/rubrics/{code}/")


def test_it_needs_no_login(client, loaded):
    assert Rubric.objects.count() == 3
    assert client.get("/rubrics/zibo/").status_code == 200


@pytest.mark.parametrize("code", ["taizhou-2022", "weifang-2022", "zibo"])
def test_it_shows_users_no_developer_text(client, loaded, code):
    html = page(client, f"/rubrics/{code}/")

    for word in ("seeds/", "GLOSSARY", "basic_share", ".txt", ">=", "basic/demo"):
        assert word not in html, word


def test_it_cites_the_source_document_by_its_title(client, loaded):
    taizhou = page(client, "/rubrics/taizhou-2022/")
    weifang = page(client, "/rubrics/weifang-2022/")
    zibo = page(client, "/rubrics/zibo/")

    assert "来源：泰州市教育局办公室《关于开展2022年泰州市智慧校园创建工作的通知》" in taizhou
    assert "来源：潍坊市教育局《关于开展潍坊市智慧校园暨示范校创建工作的通知》" in weifang
    assert "来源：《淄博市中小学智慧校园建设方案（试行）》附件" in zibo
    # An assumption says in plain words what it assumes and that it is the platform's.
    assumptions = taizhou[taizhou.index('id="assumptions-title"') : taizhou.index('id="tree-title"')]
    assert "★指标须得满分才算达到基本要求" in assumptions
    assert "这是本平台的假定，管理员可修改" in assumptions
    assert "依据：附件1《泰州市中小学智慧校园建设评估细则（2022版）》表后注" in assumptions
