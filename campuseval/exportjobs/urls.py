"""Bulk exports, under /exports/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "exportjobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("campaigns/<int:campaign_id>/<slug:kind>/", views.start, name="start"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/download/", views.download, name="download"),
]
