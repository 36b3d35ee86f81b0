"""The public results of published campaigns: no log-in (mounted at /results/)."""

from __future__ import annotations

from django.urls import path

from .views import city

app_name = "results"
urlpatterns = [
    path("", city.results_index, name="index"),
    path("<int:campaign_id>/", city.results_detail, name="detail"),
]
