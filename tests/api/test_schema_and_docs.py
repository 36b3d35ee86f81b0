"""The OpenAPI 3 schema and its documentation pages, served by the product itself under CSP."""

from __future__ import annotations

import re

from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from drf_spectacular.validation import validate_schema

from .conftest import client_for

PATHS = {
    "/api/token/",
    "/api/rubrics/", "/api/rubrics/{code}/",
    "/api/schools/", "/api/schools/{code}/",
    "/api/campaigns/", "/api/campaigns/{id}/",
    "/api/campaigns/{id}/applications/", "/api/campaigns/{id}/assign-experts/",
    "/api/campaigns/{id}/publish/",
    "/api/applications/", "/api/applications/{id}/", "/api/applications/{id}/scores/",
    "/api/applications/{id}/scores/{code}/", "/api/applications/{id}/county-scores/{code}/",
    "/api/applications/{id}/submit/", "/api/applications/{id}/withdraw/",
    "/api/applications/{id}/return/", "/api/applications/{id}/recommend/",
    "/api/applications/{id}/experts/", "/api/applications/{id}/decide/",
    "/api/assignments/", "/api/assignments/{id}/", "/api/assignments/{id}/scores/{code}/",
    "/api/assignments/{id}/submit/", "/api/results/{id}/",
}


def test_the_schema_is_valid_openapi_3_with_every_endpoint(db):
    response = client_for().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= PATHS
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    patch = schema["paths"]["/api/applications/{id}/"]["patch"]
    assert set(patch["responses"]) == {"200", "400", "401", "403", "404", "409", "429", "503"}


def test_the_schema_command_passes_validation_without_a_single_warning(tmp_path):
    reset_generator_stats()
    # Raises on any warning (--fail-on-warn) or an invalid schema (--validate).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/applications/{id}/decide/:" in (tmp_path / "schema.yaml").read_text()


def _external(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", html)


def test_the_swagger_page_uses_only_our_static_files_and_no_inline_code(db):
    response = client_for().get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert _external(html) == []
    assert "cdn" not in html.lower()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources[:2] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    assert sources[2] == "/api/docs/?script="
    assert html.count("<script") == 3  # every one with a src: no inline script for CSP to block
    assert "<style" not in html and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_swagger_init_script_is_served_as_a_file(db):
    response = client_for().get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in response.content.decode()


def test_the_redoc_page_uses_only_our_static_files_and_a_nonce_for_its_styles(db):
    response = client_for().get("/api/redoc/")
    html = response.content.decode()

    assert response.status_code == 200
    assert _external(html) == []
    assert "fonts.googleapis" not in html
    assert re.findall(r'<script src="([^"]+)"', html) == [
        "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
        "/static/api/redoc-init.js",
    ]
    assert html.count("<script") == 2 and "<style" not in html
    # Redoc's run-time <style> elements pass by this response's nonce, and nothing else inline.
    nonce = re.search(r'data-nonce="([^"]+)"', html)[1]
    policy = response["Content-Security-Policy"]
    assert f"style-src 'self' 'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
