from __future__ import annotations

from django.urls import path

from . import views

app_name = "rubrics"
urlpatterns = [
    path("", views.home, name="home"),
    path("rubrics/", views.list_rubrics, name="list"),
    path("rubrics/<slug:code>/", views.rubric_detail, name="detail"),
    path("rubrics/<slug:code>/v<int:version>/", views.rubric_detail, name="detail_version"),
    path("rubrics/<slug:code>/export.xlsx", views.rubric_export, name="export"),
    path(
        "rubrics/<slug:code>/v<int:version>/export.xlsx",
        views.rubric_export,
        name="export_version",
    ),
]
