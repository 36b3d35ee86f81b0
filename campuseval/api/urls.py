"""The REST API under /api/: plain reads through a router, one path per workflow operation."""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import (
    auth,
    certificate_views,
    city_views,
    export_views,
    filing_views,
    notice_views,
    plan_views,
    reads,
    report_views,
    views,
)

app_name = "api"

router = SimpleRouter()
router.register("rubrics", reads.RubricViewSet, basename="rubric")
router.register("schools", reads.SchoolViewSet, basename="school")
router.register("campaigns", reads.CampaignViewSet, basename="campaign")
router.register("assignments", reads.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("token/", auth.TokenApi.as_view(), name="token"),
    path("tokens/", auth.TokenListApi.as_view(), name="token_list"),
    path("tokens/<int:pk>/", auth.TokenDetailApi.as_view(), name="token_detail"),
    # Applications: reads, the school's writes, then the county's and the city's.
    path("applications/", reads.ApplicationListApi.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.ApplicationDetailApi.as_view(), name="application_detail"),
    path("applications/<int:pk>/scores/", views.ApplicationScoresApi.as_view(), name="application_scores"),
    path("applications/<int:pk>/scores/<str:code>/", views.SelfScoreApi.as_view(), name="self_score"),
    path("applications/<int:pk>/submit/", views.SubmitApi.as_view(), name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.WithdrawApi.as_view(), name="application_withdraw"),
    path(
        "applications/<int:pk>/start-from-last/",
        views.StartFromLastApi.as_view(),
        name="application_start_from_last",
    ),
    path(
        "applications/<int:pk>/county-scores/<str:code>/",
        views.CountyScoreApi.as_view(),
        name="county_score",
    ),
    path("applications/<int:pk>/return/", views.ReturnApi.as_view(), name="application_return"),
    path("applications/<int:pk>/recommend/", views.RecommendApi.as_view(), name="application_recommend"),
    path("applications/<int:pk>/experts/", city_views.ExpertAssignApi.as_view(), name="expert_assign"),
    path("applications/<int:pk>/decide/", city_views.DecideApi.as_view(), name="application_decide"),
    path("campaigns/open/", city_views.CampaignOpenApi.as_view(), name="campaign_open"),
    path("campaigns/<int:pk>/settings/", city_views.CampaignUpdateApi.as_view(), name="campaign_update"),
    path("campaigns/<int:pk>/applications/", views.ApplicationCreateApi.as_view(), name="application_create"),
    path("campaigns/<int:pk>/assign-experts/", city_views.AssignExpertsApi.as_view(), name="experts_assign"),
    path("campaigns/<int:pk>/end-stage/", city_views.EndStageApi.as_view(), name="campaign_end_stage"),
    path("campaigns/<int:pk>/publish/", city_views.PublishApi.as_view(), name="campaign_publish"),
    path("campaigns/<int:pk>/notice/", notice_views.NoticeOpenApi.as_view(), name="notice_open"),
    path("campaigns/<int:pk>/objections/", notice_views.ObjectionsApi.as_view(), name="objections"),
    path(
        "campaigns/<int:pk>/objections/<int:objection_id>/resolve/",
        notice_views.ObjectionResolveApi.as_view(), name="objection_resolve",
    ),
    path("assignments/<int:pk>/scores/<str:code>/", city_views.ExpertScoreApi.as_view(), name="expert_score"),
    path("assignments/<int:pk>/submit/", city_views.ExpertSubmitApi.as_view(), name="expert_submit"),
    path("results/<int:pk>/", reads.ResultsApi.as_view(), name="results"),
    # The official forms (files): the same as the pages' downloads.
    path("applications/<int:pk>/forms/<slug:form>.<str:fmt>", filing_views.ApplicationFormApi.as_view(), name="application_form"),
    path(
        "applications/<int:pk>/forms/self-assessment/upload/",
        filing_views.SelfAssessmentUploadApi.as_view(), name="self_assessment_upload",
    ),
    path("assignments/<int:pk>/expert-sheet.<str:fmt>", filing_views.ExpertSheetApi.as_view(), name="expert_sheet"),
    path(
        "campaigns/<int:campaign_id>/assignments/<int:pk>/expert-sheet.<str:fmt>",
        filing_views.CityExpertSheetApi.as_view(), name="city_expert_sheet",
    ),
    path("results/<int:pk>/list.<str:fmt>", filing_views.ResultsListApi.as_view(), name="results_list"),
    path("rubric-sheets/<slug:code>/v<int:version>/score-sheet.<str:fmt>", filing_views.RubricSheetApi.as_view(), name="rubric_sheet"),
    # Certificates: one school's, a campaign's all, and the check of a short code.
    path("applications/<int:pk>/certificate.pdf", certificate_views.ApplicationCertificateApi.as_view(), name="certificate"),
    path("certificates/<str:code>/", certificate_views.CertificateVerifyApi.as_view(), name="certificate_verify"),
    # Reports: one application's, a county's or city's; the same as the pages'.
    path("applications/<int:pk>/report/", report_views.ApplicationReportApi.as_view(), name="application_report"),
    path("regions/<str:code>/report/", report_views.RegionReportApi.as_view(), name="region_report"),
    # Bulk exports: a background job per zip.
    path("campaigns/<int:pk>/exports/<slug:kind>/", export_views.ExportStartApi.as_view(), name="export_start"),
    path("exports/<int:pk>/", export_views.ExportJobApi.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", export_views.ExportDownloadApi.as_view(), name="export_download"),
    path("todo/", reads.TodoApi.as_view(), name="todo"),
    # Plans: reads with every target's progress, the plan's workflow, reports and tasks.
    path("plans/", plan_views.PlanListApi.as_view(), name="plan_list"),
    path("plans/<int:pk>/", plan_views.PlanDetailApi.as_view(), name="plan_detail"),
    path("plans/<int:pk>/targets/", plan_views.TargetAddApi.as_view(), name="target_add"),
    path("plans/<int:pk>/submit/", plan_views.PlanSubmitApi.as_view(), name="plan_submit"),
    path("plans/<int:pk>/return/", plan_views.PlanReturnApi.as_view(), name="plan_return"),
    path("plans/<int:pk>/publish/", plan_views.PlanPublishApi.as_view(), name="plan_publish"),
    path("targets/<int:pk>/reports/", plan_views.ReportSubmitApi.as_view(), name="report_submit"),
    path("reports/<int:pk>/decide/", plan_views.ReportDecideApi.as_view(), name="report_decide"),
    path("tasks/<int:pk>/", plan_views.TaskUpdateApi.as_view(), name="task_update"),
    # The OpenAPI 3 schema and its documentation, served from our own static files.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        # Redoc injects its styles at run time: allowed by this response's nonce, nothing else.
        csp_update({"style-src": [NONCE]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    *router.urls,
]
