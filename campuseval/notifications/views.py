"""The inbox: every logged-in user's notifications, newest first; mark one or all as read."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from campuseval.accounts.models import User

from .models import Notification
from .selectors import notifications_of
from .services import notification_mark_read

PER_PAGE = 30


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required.
    return cast(User, request.user)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = notifications_of(_user(request))
    unread_only = request.GET.get("unread") == "1"
    shown = notifications.filter(read_at=None) if unread_only else notifications
    page = Paginator(shown.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": notifications.filter(read_at=None).count(), "unread_only": unread_only},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own notifications: another user's is a 404.
    notification = get_object_or_404(Notification, pk=pk, user=_user(request))
    notification_mark_read(user=_user(request), ids=[notification.pk])
    return redirect(_back(request))


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points (only to this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=_user(request))
    notification_mark_read(user=_user(request), ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    n = notification_mark_read(user=_user(request))
    messages.success(request, f"已将 {n} 条通知标为已读" if n else "没有未读通知")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("notifications:inbox")
