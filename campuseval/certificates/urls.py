"""Certificate downloads, under /certificates/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("applications/<int:pk>/certificate.pdf", views.certificate, name="application"),
]
