"""Property-based API testing from /openapi.json: no input makes a server error, responses match."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fieldoffice.web.app import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    # A schema-valid string can still name no place ("000..." is no ZIP): a 400 with the error
    # shape is the right answer there, so that one check is left out; every other check runs.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
