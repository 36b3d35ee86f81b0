"""County review pages, mounted at /campaigns/county/ in the ``campaigns`` namespace."""

from __future__ import annotations

from django.urls import path

from .views import county_queue as queue
from .views import county_review as review

urlpatterns = [
    path("", queue.home, name="county_home"),
    path("<int:campaign_id>/", queue.queue, name="county_queue"),
    path("<int:campaign_id>/quotas/", queue.quotas, name="county_quotas"),
    path("<int:campaign_id>/list/", queue.recommendation_list, name="county_list"),
    path("<int:campaign_id>/list.xlsx", queue.recommendation_list_xlsx, name="county_list_xlsx"),
    path("<int:campaign_id>/list.docx", queue.recommendation_list_docx, name="county_list_docx"),
    path("review/<int:application_id>/", review.review, name="county_review"),
    path("review/<int:application_id>/scores/<str:code>/", review.score_save, name="county_score_save"),
    path("review/<int:application_id>/return/", review.application_return, name="county_return"),
    path("review/<int:application_id>/recommend/", review.application_recommend, name="county_recommend"),
]
