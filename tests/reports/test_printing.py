"""The printable reports: the page itself printed on A4 (its print style sheet), with a 打印
button, and nothing inline for the Content Security Policy to block."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def _pages(world):
    return [
        (world.cast.school_user_a, reverse("reports:application", args=[world.apps["a"].pk])),
        (world.cast.city_admin, reverse("reports:region", args=[world.cast.city.code])),
    ]


def test_the_report_style_sheet_prints_on_a4_without_navigation_or_buttons():
    with open(finders.find("reports/report.css"), encoding="utf-8") as f:
        css = f.read()

    page_rule = re.search(r"@page\s*{([^}]*)}", css)
    assert page_rule and re.search(r"size:\s*A4", page_rule[1]) and "margin" in page_rule[1]
    printed = css[css.index("@media print"):]
    for hidden in (".ce-navbar", ".ce-sidebar", ".btn", "form"):
        assert hidden in printed
    assert "display: none" in printed


@pytest.mark.parametrize("which", [0, 1], ids=["school", "region"])
def test_every_report_page_links_the_print_styles_and_a_print_button(client, world, which):
    user, url = _pages(world)[which]
    client.force_login(user)
    html = client.get(url).content.decode()

    assert '<link rel="stylesheet" href="/static/reports/report.css">' in html
    assert "data-report-print" in html and "打印" in html
    assert '<script src="/static/reports/report.js"></script>' in html
    assert finders.find("reports/report.js")


@pytest.mark.parametrize("which", [0, 1], ids=["school", "region"])
def test_the_report_pages_have_no_inline_script_or_style(client, world, which):
    user, url = _pages(world)[which]
    client.force_login(user)
    html = client.get(url).content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert " style=" not in html and "<style" not in html
