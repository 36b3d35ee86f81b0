"""The campaigns every user sees, and the city administrator's pages (mounted at /campaigns/)."""

from __future__ import annotations

from django.urls import path

from .views import city

urlpatterns = [
    path("", city.campaign_list, name="campaign_list"),
    path("new/", city.campaign_create, name="campaign_create"),
    path("quota-fields/", city.quota_fields, name="quota_fields"),
    path("<int:pk>/", city.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", city.campaign_edit, name="campaign_edit"),
    path("<int:pk>/reopen/", city.campaign_reopen, name="campaign_reopen"),
    path("<int:pk>/assignments/", city.assignments, name="assignments"),
    path("<int:pk>/assignments/auto/", city.assign_auto, name="assign_auto"),
    path("<int:pk>/assignments/<int:application_id>/assign/", city.assign, name="assign"),
    path("<int:pk>/assignments/<int:assignment_id>/unassign/", city.unassign, name="unassign"),
    path("<int:pk>/decisions/", city.decisions, name="decisions"),
    path("<int:pk>/decisions/<int:application_id>/", city.decide, name="decide"),
    path("<int:pk>/gaps/", city.gaps, name="gaps"),
    path("<int:pk>/publish/", city.publish, name="publish"),
]
