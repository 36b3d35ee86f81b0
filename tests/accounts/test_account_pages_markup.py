"""The account pages keep to the content security policy: no inline script or style."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def pages(cast):
    pk = cast.school_user_a.pk
    return [
        ("get", "/accounts/users/"),
        ("get", "/accounts/users/new/"),
        ("get", f"/accounts/users/{pk}/"),
        ("get", f"/accounts/users/{pk}/edit/"),
        ("post", f"/accounts/users/{pk}/password/"),
        ("get", "/accounts/me/"),
        ("get", "/accounts/me/two-factor/"),
        ("get", "/accounts/me/two-factor/off/"),
        ("get", "/accounts/login/"),
    ]


def test_it_has_no_inline_script_or_style(client, cast, pages):
    client.force_login(cast.platform_admin)

    for method, path in pages:
        response = getattr(client, method)(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert ' style="' not in html and "<style" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
