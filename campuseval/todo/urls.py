"""The to-do page (待办), where every signed-in user lands after logging in."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "todo"
urlpatterns = [
    path("", views.home, name="home"),
]
