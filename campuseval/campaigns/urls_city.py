"""The campaigns every user sees, and the city administrator's pages (mounted at /campaigns/)."""

from __future__ import annotations

from django.urls import path

from .views import city, city_notice, city_review, city_stages

urlpatterns = [
    path("", city.campaign_list, name="campaign_list"),
    path("new/", city.campaign_create, name="campaign_create"),
    path("quota-fields/", city.quota_fields, name="quota_fields"),
    path("<int:pk>/", city.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", city.campaign_edit, name="campaign_edit"),
    path("<int:pk>/reopen/", city.campaign_reopen, name="campaign_reopen"),
    path("<int:pk>/end-stage/", city_stages.end_stage, name="end_stage"),
    path("<int:pk>/assignments/", city_review.assignments, name="assignments"),
    path("<int:pk>/assignments/auto/", city_review.assign_auto, name="assign_auto"),
    path("<int:pk>/assignments/<int:application_id>/assign/", city_review.assign, name="assign"),
    path("<int:pk>/assignments/<int:assignment_id>/unassign/", city_review.unassign, name="unassign"),
    path("<int:pk>/decisions/", city_review.decisions, name="decisions"),
    path("<int:pk>/decisions/<int:application_id>/", city_review.decide, name="decide"),
    path("<int:pk>/gaps/", city_review.gaps, name="gaps"),
    path("<int:pk>/publish/", city_review.publish, name="publish"),
    path("<int:pk>/notice/", city_notice.notice_open, name="notice_open"),
    path("<int:pk>/objections/", city_notice.objection_add, name="objection_add"),
    path("<int:pk>/objections/<int:objection_id>/resolve/", city_notice.objection_resolve, name="objection_resolve"),
]
