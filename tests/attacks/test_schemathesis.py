"""Property-based API testing from /openapi.json: no input makes a server error, responses match.

Negative cases (data that violates the schema: a `lang` outside en|es, a `contact` over 200
characters...) have no upper bound on their size, so now and then one makes an address longer than
the server's MAX_URL, and the server's guard refuses it with 414 before any route sees it. That is
a rejection, documented for every operation with the one error shape, so 414 is added to the
statuses a schema-violating request may get; the test then checks that the guard answers 414
exactly when the address is over MAX_URL, and the tests below send such an address on purpose.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fieldoffice.web.api import ErrorEnvelope
from fieldoffice.web.app import create_app
from fieldoffice.web.edge import MAX_URL

# schemathesis' default rejection statuses for schema-violating requests, and 414
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]  # fmt: skip
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}}
)
APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}


def url_length(url: str) -> int:
    """What the server's guard measures: the encoded path and query string, in bytes."""
    parts = urlsplit(url)
    return len(parts.path.encode()) + len(parts.query.encode())


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    length = url_length(str(response.request.url))
    assert (response.status_code == 414) == (length > MAX_URL), (length, response.status_code)
    # A schema-valid string can still name no place ("000..." is no ZIP): a 400 with the error
    # shape is the right answer there, so that one check is left out; every other check runs.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def test_every_operation_documents_the_guards_414_and_413_as_json_errors() -> None:
    spec = APP.openapi()
    operations = [op for ops in spec["paths"].values() for op in ops.values()]
    assert len(operations) >= 7
    for op in operations:
        for status in ("413", "414"):
            assert op["responses"][status]["content"] == ERROR_CONTENT, (op["summary"], status)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/verify?lang=en&contact=", "/api/v1/locate?q=", "/api/v1/offices/", "/api/v1/coverage?x="],
)  # fmt: skip
def test_an_address_over_max_url_is_refused_with_the_documented_414(path: str) -> None:
    client = TestClient(APP)
    fill = "%F0%9F%93%9E"  # one 4-byte character, percent-encoded: 12 bytes
    at_limit = path + "a" * (MAX_URL - url_length(path))
    assert url_length(at_limit) == MAX_URL
    assert client.get(at_limit).status_code != 414
    over = path + fill * (MAX_URL // len(fill) + 1)
    r = client.get(over)
    assert r.status_code == 414
    assert r.headers["content-type"] == "application/json"
    body = ErrorEnvelope.model_validate(r.json())
    assert body.error.code == "uri_too_long" and str(MAX_URL) in body.error.message
