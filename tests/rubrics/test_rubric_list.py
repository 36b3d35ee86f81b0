"""GET /rubrics/: the published rubrics, latest version of each, no log-in needed."""

from __future__ import annotations

import re

import pytest
import yaml

from .conftest import load_rubrics


def test_it_redirects_the_home_page_to_the_rubric_list(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/rubrics/"


def test_it_lists_the_three_rubrics(client, loaded):
    response = client.get("/rubrics/")

    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "泰州市中小学智慧校园建设评估细则（2022版）",
        "潍坊市智慧校园暨示范校建设标准（试行）",
        "淄博市中小学智慧校园建设标准及评价指标体系",
    ):
        assert name in html
    for href in ("/rubrics/taizhou-2022/", "/rubrics/weifang-2022/", "/rubrics/zibo/"):
        assert f'href="{href}"' in html
    assert "计分型" in html and "达标型" in html
    assert "示范型 / 优秀型 / 合格型" in html
    assert "76 条标准" in html  # Weifang: 38 C + 38 D


def test_it_shows_the_latest_version_only(client, rubrics_dir):
    load_rubrics()
    path = rubrics_dir / "zibo.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["notes"] = ["一条新注释"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_rubrics()

    html = client.get("/rubrics/").content.decode()

    assert html.count("淄博市中小学智慧校园建设标准及评价指标体系</a>") == 1
    assert "第 2 版" in html


def test_it_uses_one_query(client, loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/rubrics/")


@pytest.mark.django_db
def test_it_says_when_no_rubric_is_loaded(client):
    html = client.get("/rubrics/").content.decode()

    assert "还没有评估标准。请联系平台管理员导入评估标准。" in html
    assert "load_rubrics" not in html  # a command is no help to a visitor


def test_it_tells_only_the_platform_administrator_the_command(client, cast):
    client.force_login(cast.city_admin)
    assert "load_rubrics" not in client.get("/rubrics/").content.decode()

    client.force_login(cast.platform_admin)
    html = client.get("/rubrics/").content.decode()

    assert "还没有评估标准" in html
    assert "<code>campuseval load_rubrics</code>" in html


def test_it_renders_the_shell_from_local_static_files(client, loaded):
    html = client.get("/rubrics/").content.decode()

    assert "智慧校园评估平台" in html
    assert '<html lang="zh-hans">' in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert not re.search(r"""(src|href)="(https?:)?//""", html)  # no CDN
    assert 'action="/i18n/setlang/"' in html
    assert 'id="sidebar"' in html and "offcanvas-lg" in html
    # The content security policy allows no inline styles or scripts.
    assert ' style="' not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert 'href="/accounts/login/?next=/rubrics/"' in html


def test_it_shows_the_signed_in_user_a_menu(client, loaded, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="x-Passw0rd-1")
    client.force_login(user)

    html = client.get("/rubrics/").content.decode()

    assert 'action="/accounts/logout/"' in html
    assert "泰州市中小学智慧校园建设评估细则（2022版）" in html
