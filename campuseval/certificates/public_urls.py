"""The public verification of a certificate, under /results/verify/ (no log-in)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "verify"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:code>/", views.verify, name="code"),
]
