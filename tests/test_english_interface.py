"""The English catalogue: choosing English shows English; the default stays Chinese."""

from __future__ import annotations

import gettext
import re

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.fixture
def shipped_rubrics(db):
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_rubric_list_in_english(client, shipped_rubrics):
    html = _english(client).get(reverse("rubrics:list")).content.decode()

    assert '<html lang="en">' in html
    assert '<h1 class="h3">Rubrics</h1>' in html
    assert "<title>Rubrics" in html
    assert "Smart Campus Assessment Platform" in html  # base.html
    assert "Main navigation" in html  # sidebar
    assert "Log in" in html  # user menu, anonymous
    assert "Points-based" in html or "Criteria-based" in html  # model choice labels (gettext_lazy)
    # The Chinese interface strings are gone (rubric names and cities are data and stay Chinese).
    assert '<h1 class="h3">评估标准</h1>' not in html
    assert "智慧校园评估平台" not in html
    assert "主导航" not in html
    assert "指标数" not in html


def test_login_page_in_english(client, db):
    html = _english(client).get(reverse("accounts:login")).content.decode()

    assert '<h1 class="h4 mb-3">Log in</h1>' in html
    assert "登录" not in html


def test_default_language_is_chinese(client, shipped_rubrics):
    html = client.get(reverse("rubrics:list")).content.decode()
    assert '<h1 class="h3">评估标准</h1>' in html
    assert "智慧校园评估平台" in html
    assert "Rubrics</h1>" not in html

    html = client.get(reverse("accounts:login")).content.decode()
    assert '<h1 class="h4 mb-3">登录</h1>' in html
    assert "Log in" not in html


def test_language_switch_sets_english(client, shipped_rubrics):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("rubrics:list")}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get(reverse("rubrics:list")).content.decode()
    assert '<h1 class="h3">Rubrics</h1>' in html


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_chooses(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page


CATALOGUE = settings.BASE_DIR / "campuseval" / "locale" / "en" / "LC_MESSAGES"


def _entries(po: str) -> list[str]:
    """The catalogue's live entries (the header and obsolete ``#~`` ones left out), as text."""
    return [e for e in po.split("\n\n") if re.search(r'^msgid "(?!"\n)', e, re.M) or re.search(r'^msgid ""\n"', e, re.M)]


def test_every_interface_string_has_an_english_translation_that_is_compiled():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries = _entries(po)
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""(?!\n")', e, re.M)]
    fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
    assert not untranslated, f"{len(untranslated)} strings without English, the first:\n{untranslated[0]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy strings, the first:\n{fuzzy[0]}"
    # The compiled file holds every translation (run compilemessages after editing the .po).
    with (CATALOGUE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    forms = sum(len(re.findall(r"^msgstr(\[\d\])? ", e, re.M)) for e in entries)
    compiled_forms = len(compiled._catalog) - 1  # the header is one more key
    assert compiled_forms == forms, f"django.mo holds {compiled_forms} translations, the .po {forms}: run compilemessages"
