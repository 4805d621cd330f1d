"""Property-based fuzz of the API from its own OpenAPI schema: no request may cause a 5xx.

Bounded and deterministic (derandomized, a fixed number of examples per operation), run
in-process against the app over the demo store.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from newsevents.serve.api import create_app

EXAMPLES_PER_OPERATION = 40

pytestmark = pytest.mark.slow


def fuzz(operation, tried: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """Call one operation with generated requests; every answer is < 500 and errors are coded."""
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
              database=None, suppress_health_check=list(HealthCheck))
    def call(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call()
        tried[label] = tried.get(label, 0) + 1
        assert response.status_code < 500, (case.as_curl_command(), response.text[:400])
        if response.status_code >= 400:
            body = response.json()
            assert body["ok"] is False and body["code"].startswith("E6"), body

    call()


def test_fuzz_every_operation_without_a_server_error(demo_db):  # type: ignore[no-untyped-def]
    app = create_app(demo_db)
    tried: dict[str, int] = {}
    with TestClient(app):  # the lifespan runs, so the snapshot is cleaned up afterwards
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12
        for operation in operations:
            fuzz(operation, tried)
    assert len(tried) == len(operations)
    print(f"fuzzed {sum(tried.values())} requests over {len(tried)} operations: 0 server errors")
