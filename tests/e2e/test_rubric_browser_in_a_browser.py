"""The rubric browser in a real browser: the tree, the search (htmx) and no console errors."""

from __future__ import annotations

import pytest


@pytest.fixture
def loaded(transactional_db):
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()


def test_a_visitor_browses_and_searches_a_rubric(browser, live_server, loaded, shots):
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/rubrics/")
    assert "泰州市中小学智慧校园建设评估细则" in page.content()
    shots(page, "rubric-list")
    page.goto(f"{live_server.url}/rubrics/taizhou-2022/")
    assert page.locator("text=110").first.is_visible()
    shots(page, "taizhou-tree")
    page.fill("input[name=q]", "录播")
    page.wait_for_selector("text=自动录播教室")
    shots(page, "search")
    assert "网络安全" not in page.locator("main").inner_text()
    assert errors == []
