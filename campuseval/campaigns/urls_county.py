"""County review pages, mounted at /campaigns/county/ in the ``campaigns`` namespace."""

from __future__ import annotations

from django.urls import path

from .views import county

urlpatterns = [
    path("", county.home, name="county_home"),
    path("<int:campaign_id>/", county.queue, name="county_queue"),
    path("<int:campaign_id>/quotas/", county.quotas, name="county_quotas"),
    path("<int:campaign_id>/list/", county.recommendation_list, name="county_list"),
    path("<int:campaign_id>/list.xlsx", county.recommendation_list_xlsx, name="county_list_xlsx"),
    path("<int:campaign_id>/list.docx", county.recommendation_list_docx, name="county_list_docx"),
    path("review/<int:application_id>/", county.review, name="county_review"),
    path("review/<int:application_id>/scores/<str:code>/", county.score_save, name="county_score_save"),
    path("review/<int:application_id>/return/", county.application_return, name="county_return"),
    path("review/<int:application_id>/recommend/", county.application_recommend, name="county_recommend"),
]
