from __future__ import annotations

from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<str:code>/edit/", views.region_edit, name="region_edit"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/export.xlsx", views.school_export, name="school_export"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
    path("schools/<str:code>/edit/", views.school_edit, name="school_edit"),
    path("schools/<str:code>/facts/new/", views.facts_create, name="facts_create"),
    path("schools/<str:code>/facts/<int:year>/edit/", views.facts_edit, name="facts_edit"),
]
