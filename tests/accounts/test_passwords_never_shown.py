"""A password appears once, on the page that made it, and nowhere else: pages or audit trail."""

from __future__ import annotations

import html
import re

from campuseval.accounts.models import User
from campuseval.audit.models import AuditRecord

from .conftest import log_in

NEW = "Kx7!mQ2#pLz9"


def test_it_never_shows_a_password_again(client, cast):
    client.force_login(cast.platform_admin)
    created = client.post("/accounts/users/new/", {"username": "newbie", "full_name": "新人"})
    initial = html.unescape(re.search(r'id="one-time-password">([^<]+)<', created.content.decode()).group(1))
    user = User.objects.get(username="newbie")
    reset = client.post(f"/accounts/users/{user.pk}/password/")
    second = html.unescape(re.search(r'id="one-time-password">([^<]+)<', reset.content.decode()).group(1))
    client.logout()
    log_in(client, "newbie", second)
    client.post(
        "/accounts/password/", {"old_password": second, "new_password1": NEW, "new_password2": NEW}
    )
    client.force_login(cast.platform_admin)
    user.refresh_from_db()
    latest = AuditRecord.objects.latest("seq").seq

    pages = [
        "/accounts/users/",
        f"/accounts/users/{user.pk}/",
        f"/accounts/users/{user.pk}/edit/",
        "/accounts/me/",
        "/audit/",
        *[f"/audit/{seq}/" for seq in range(1, latest + 1)],
        "/audit/export.csv",
    ]
    secrets = [initial, second, NEW, user.password]
    for path in pages:
        body = client.get(path).content.decode("utf-8-sig")
        for secret in secrets:
            assert secret not in body and html.escape(secret) not in body, (path, secret)

    for r in AuditRecord.objects.all():
        text = f"{r.object_repr} {r.before} {r.after}"
        for secret in secrets:
            assert secret not in text, (r.seq, secret)
