"""The dashboards (mounted at /dashboards/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("school/<str:code>/", views.school, name="school"),
    path("<str:code>/", views.region, name="region"),
    path("<str:code>/schools/", views.schools, name="schools"),
    path("<str:code>/xlsx/<str:key>/", views.chart_file, name="chart_file"),
    path("<str:code>/map/", views.map_upload, name="map_upload"),
]
