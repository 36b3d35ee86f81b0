"""The API fuzzed from its own OpenAPI schema (issue 13): schemathesis draws requests for every
documented operation, as a school user and as a city administrator, and each answer must be no
5xx, of a documented status and content type, and match the schema of that status."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campuseval.wsgi import application as wsgi_app

from .conftest import token_key

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation and account: bounded, so the whole fuzz takes a minute


@pytest.fixture
def world(submitted, application_b, cast):
    """A campaign with a submitted and a draft application, so paths can name real objects."""
    return {"school": token_key(cast.school_user_a), "city": token_key(cast.city_admin)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["school", "city"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_documented(case, who, world):
    case.call_and_validate(headers={"Authorization": f"Token {world[who]}"}, checks=CHECKS)
