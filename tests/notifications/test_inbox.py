"""/inbox/: every logged-in user's notifications, newest first, unread marked; mark read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from campuseval.notifications.models import Notification
from campuseval.notifications.services import notify

INBOX = reverse("notifications:inbox")


@pytest.fixture
def notes(cast):
    notify([cast.school_user_a], kind="returned", message="县级退回了您的申报", url="/campaigns/applications/7/")
    notify([cast.school_user_a], kind="published", message="结果已公布", url="/results/3/")
    notify([cast.school_user_b], kind="returned", message="别校的通知")
    older = Notification.objects.get(message="县级退回了您的申报")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    return {n.message: n for n in Notification.objects.all()}


def test_it_needs_a_log_in(client):
    assert client.get(INBOX).status_code == 302


def test_it_lists_the_users_notifications_newest_first_with_unread_marked(client, cast, notes):
    client.force_login(cast.school_user_a)
    page = client.get(INBOX).content.decode()
    assert page.index("结果已公布") < page.index("县级退回了您的申报")
    assert "别校的通知" not in page
    assert page.count("data-unread") == 2
    assert "2 条未读" in page


def test_marking_one_read(client, cast, notes):
    client.force_login(cast.school_user_a)
    note = notes["结果已公布"]
    response = client.post(reverse("notifications:mark_read", kwargs={"pk": note.pk}))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert notes["县级退回了您的申报"].read_at is None
    page = client.get(INBOX).content.decode()
    assert page.count("data-unread") == 1


def test_another_users_notification_is_404(client, cast, notes):
    client.force_login(cast.school_user_a)
    other = notes["别校的通知"]
    assert client.post(reverse("notifications:mark_read", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(reverse("notifications:open", kwargs={"pk": other.pk})).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_all_read_touches_only_ones_own(client, cast, notes):
    client.force_login(cast.school_user_a)
    page = client.post(reverse("notifications:mark_all_read"), follow=True).content.decode()
    assert "已将 2 条通知标为已读" in page
    assert not Notification.objects.filter(user=cast.school_user_a, read_at=None).exists()
    assert Notification.objects.filter(user=cast.school_user_b, read_at=None).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, cast, notes):
    client.force_login(cast.school_user_a)
    note = notes["结果已公布"]
    response = client.post(reverse("notifications:open", kwargs={"pk": note.pk}))
    assert response["Location"] == "/results/3/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_it_never_redirects_to_another_site(client, cast):
    notify([cast.school_user_a], kind="x", message="外链", url="https://evil.example/")
    note = Notification.objects.get()
    client.force_login(cast.school_user_a)
    response = client.post(reverse("notifications:open", kwargs={"pk": note.pk}))
    assert response["Location"] == INBOX


def test_the_unread_filter(client, cast, notes):
    client.force_login(cast.school_user_a)
    client.post(reverse("notifications:mark_read", kwargs={"pk": notes["结果已公布"].pk}))
    page = client.get(INBOX, {"unread": "1"}).content.decode()
    assert "县级退回了您的申报" in page
    assert "结果已公布" not in page


def _badge(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load inbox %}{% inbox_badge %}").render(Context({"request": request}))


def test_the_navbar_badge_counts_the_unread(cast, notes):
    html = _badge(cast.school_user_a)
    assert 'data-inbox-unread="2"' in html
    assert INBOX in html
    assert "data-unread" not in _badge(cast.outsider)


def test_the_badge_is_empty_for_anonymous_visitors(db):
    from django.contrib.auth.models import AnonymousUser

    assert _badge(AnonymousUser()).strip() == ""
