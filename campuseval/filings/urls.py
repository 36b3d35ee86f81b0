"""The official forms, under /forms/ (README: 表格)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "filings"

urlpatterns = [
    # form: application (申报表), self-assessment (自评表), score-sheet (评分表); fmt: xlsx or docx
    path("applications/<int:pk>/<slug:form>.<str:fmt>", views.application_form, name="application"),
    path("applications/<int:pk>/self-assessment/upload/", views.self_assessment_upload, name="self_assessment_upload"),
    path("rubrics/<slug:code>/v<int:version>/score-sheet.<str:fmt>", views.rubric_sheet, name="rubric_sheet"),
    path("assignments/<int:pk>/expert-sheet.<str:fmt>", views.expert_sheet, name="expert_sheet"),
    path(
        "campaigns/<int:campaign_id>/assignments/<int:pk>/expert-sheet.<str:fmt>",
        views.city_expert_sheet, name="city_expert_sheet",
    ),
    path("campaigns/<int:campaign_id>/results.<str:fmt>", views.results_list, name="results_list"),
]
