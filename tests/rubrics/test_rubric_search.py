"""GET /rubrics/<code>/?q=: the tree filtered to matching indicators, as a page or a partial."""

from __future__ import annotations


def test_it_finds_the_recording_classroom_in_taizhou(client, loaded):
    html = client.get("/rubrics/taizhou-2022/", {"q": "录播"}).content.decode()

    assert 'id="ind-1.3.3"' in html
    assert '<mark class="px-0">录播</mark>' in html
    assert 'id="ind-1.1.1"' not in html
    assert "找到 1 条与“录播”相关的指标" in html
    assert 'value="录播"' in html  # the box keeps the query
    assert "<html" in html


def test_it_returns_only_the_tree_partial_to_htmx(client, loaded):
    response = client.get("/rubrics/taizhou-2022/", {"q": "录播"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert 'id="ind-1.3.3"' in html
    assert 'id="ind-1.1.1"' not in html
    assert "HX-Request" in response["Vary"]


def test_it_returns_the_whole_page_for_an_htmx_history_restore(client, loaded):
    response = client.get(
        "/rubrics/taizhou-2022/",
        {"q": "录播"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_it_says_so_when_nothing_matches(client, loaded):
    html = client.get("/rubrics/taizhou-2022/", {"q": "量子纠缠"}).content.decode()

    assert "没有找到与“量子纠缠”相关的指标" in html
    assert 'id="ind-' not in html


def test_it_matches_codes_and_sub_area_titles(client, loaded):
    by_code = client.get("/rubrics/weifang-2022/", {"q": "d38"}).content.decode()
    by_title = client.get("/rubrics/taizhou-2022/", {"q": "智能安防"}).content.decode()

    assert 'id="ind-D38"' in by_code and 'id="ind-C38"' not in by_code
    assert 'id="ind-1.4.1"' in by_title and "找到 1 条" in by_title


def test_it_shows_the_whole_tree_for_a_blank_query(client, loaded):
    html = client.get("/rubrics/zibo/", {"q": "  "}).content.decode()

    assert html.count('id="ind-') == 73
    assert "找到" not in html
