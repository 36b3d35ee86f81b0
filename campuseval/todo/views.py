"""The to-do page (待办): every signed-in user's landing page after logging in.

Each role's work comes from ``todo.presenters.todo_page`` (the same rows as ``GET /api/todo/``),
the unread inbox beside it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campuseval.accounts.gates import signed_in

from .presenters import todo_page


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "todo/home.html", {"page": todo_page(signed_in(request))})
