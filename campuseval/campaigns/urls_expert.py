"""The expert's pages (mounted at /campaigns/reviews/); notifications link to <assignment_id>/."""

from __future__ import annotations

from django.urls import path

from .views import expert

urlpatterns = [
    path("", expert.review_list, name="review_list"),
    path("<int:assignment_id>/", expert.review_detail, name="review_detail"),
    path("<int:assignment_id>/score/", expert.review_score, name="review_score"),
    path("<int:assignment_id>/submit/", expert.review_submit, name="review_submit"),
]
