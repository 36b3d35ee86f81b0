"""The reports' endpoints are documented in the OpenAPI schema like every other endpoint."""

from __future__ import annotations

from django.test import Client


def test_the_schema_documents_both_report_endpoints_with_their_answers(db):
    schema = Client().get("/api/schema/", {"format": "json"}).json()

    school = schema["paths"]["/api/applications/{id}/report/"]["get"]
    region = schema["paths"]["/api/regions/{code}/report/"]["get"]
    assert school["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SchoolReportOut")
    assert region["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RegionReportOut")
    assert {p["name"] for p in region["parameters"]} >= {"code", "year", "as_of"}
    assert set(school["responses"]) >= {"200", "403", "404"} and "400" in region["responses"]
    assert school["tags"] == region["tags"] == ["评估报告"]
    areas = schema["components"]["schemas"]["ReportAreaOut"]["properties"]
    assert {"score", "county", "city", "vs_county", "vs_city"} <= set(areas)
