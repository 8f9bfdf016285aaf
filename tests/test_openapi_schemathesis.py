"""schemathesis against evac's OpenAPI spec: generated requests to every documented
operation, as an administrator (who passes every role check, so the handlers run), on SQLite
and PostgreSQL. No answer may be a server error.

schemathesis's own pytest integration (`@schema.parametrize()`) does not run under pytest 9
(it writes the removed `Function._nodeid`), so each operation's strategy drives Hypothesis
directly: the same generated cases, one test per database.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from evac.app import create_app
from evac.auth.permissions import Role


@pytest.fixture
def api_schema(settings, operation):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))


def test_no_server_error_on_any_operation(api_schema, auth_headers):
    headers = auth_headers(Role.administrator)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def no_server_error(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )

        try:
            no_server_error()
        except Exception as error:  # every failing operation is reported, not only the first
            # (a 500 reaches here as the app's own exception, raised through the ASGI client)
            failures.append(f"{operation.method.upper()} {operation.path}: {error!r}"[:400])
    assert not failures, "\n".join(failures)
