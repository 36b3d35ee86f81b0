"""The public results of published campaigns: no log-in (mounted at /results/)."""

from __future__ import annotations

from django.urls import path

from .views import public

app_name = "results"
urlpatterns = [
    path("", public.results_index, name="index"),
    path("<int:campaign_id>/", public.results_detail, name="detail"),
]
