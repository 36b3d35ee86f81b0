"""The dashboards in a real browser, at desktop and phone size: every chart is drawn from the
vendored ECharts with no script error or CSP violation, and a number leads to its schools."""

from __future__ import annotations

import pytest

from .test_dashboards import world  # noqa: F401

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(SIZES))
def test_a_leader_reads_the_dashboards_and_drills_down(browser, live_server, transactional_db, cast, world, client, settings, shots, size):  # noqa: F811
    client.force_login(cast.platform_admin)  # who may open every level, the province included
    context = browser.new_context(viewport=SIZES[size])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    for name, path in [
        ("province", f"/dashboards/{cast.province.code}/"),
        ("city", f"/dashboards/{cast.city.code}/"),
        ("county", f"/dashboards/{cast.county_a.code}/"),
        ("school", f"/dashboards/school/{cast.school_a.code}/"),
    ]:
        page.goto(live_server.url + path)
        canvases = page.locator(".chart-canvas")
        assert canvases.count() > 0
        page.wait_for_function("[...document.querySelectorAll('.chart-canvas')].every(e => e.dataset.drawn)")
        assert page.locator(".chart-canvas svg").count() == canvases.count()
        shots(page, f"{name}-{size}")

    page.goto(f"{live_server.url}/dashboards/{cast.city.code}/")
    page.click("#chart-missed td a")  # the schools behind the most missed indicator
    page.wait_for_selector("h1")
    assert cast.school_a.name in page.inner_text("main")
    assert cast.school_b.name not in page.inner_text("main")
    shots(page, f"schools-{size}")
    assert errors == []
