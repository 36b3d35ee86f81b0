"""The reports (mounted at /reports/; README: Reports)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("applications/<int:pk>/", views.application, name="application"),
    path("regions/<str:code>/", views.region, name="region"),
]
