from __future__ import annotations

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_home, name="home"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("<slug:kind>/", views.import_upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.import_template, name="template"),
]
