"""Plans and targets (mounted at /plans/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/tasks/<str:category>/", views.task_table, name="task_table"),
    path("<int:pk>/tasks/<str:category>/xlsx/", views.task_table_file, name="task_table_file"),
]
