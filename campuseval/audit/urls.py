from __future__ import annotations

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<int:seq>/", views.audit_detail, name="detail"),
    path("export.<str:fmt>", views.audit_export_view, name="export"),
]
