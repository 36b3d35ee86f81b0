"""The school's pages, under /campaigns/applications/ (notifications link to <pk>/)."""

from __future__ import annotations

from django.urls import path

from .views import school, school_carry

urlpatterns = [
    path("", school.school_applications, name="school_applications"),
    path("start/<int:campaign_pk>/", school.school_application_start, name="school_application_start"),
    path(
        "start/<int:campaign_pk>/from-last/",
        school_carry.school_application_start_carried,
        name="school_application_start_carried",
    ),
    path("<int:pk>/", school.school_application, name="school_application"),
    path(
        "<int:pk>/from-last/",
        school_carry.school_application_start_from_last,
        name="school_application_start_from_last",
    ),
    path("<int:pk>/form/", school.school_application_form, name="school_application_form"),
    path("<int:pk>/scores/<str:code>/", school.school_score_save, name="school_score_save"),
    path("<int:pk>/submit/", school.school_application_submit, name="school_application_submit"),
    path("<int:pk>/withdraw/", school.school_application_withdraw, name="school_application_withdraw"),
]
