"""schemathesis against evac's OpenAPI spec: generated requests to every operation, as an
administrator (who passes every role check, so the handlers run), on SQLite and PostgreSQL.
No answer may be a server error.

Two kinds of data: valid requests (positive), and malformed ones (negative: wrong types,
missing fields, values out of range). The pages and their forms are left out of the published
spec; here they are put back in, so the forms are fuzzed with form-encoded bodies too.

schemathesis's own pytest integration (`@schema.parametrize()`) does not run under pytest 9
(it writes the removed `Function._nodeid`), so each operation's strategy drives Hypothesis
directly: the same generated cases, one test per database.
"""

import copy

import pytest
import schemathesis
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from evac.app import create_app
from evac.auth.permissions import Role

FORM = "application/x-www-form-urlencoded"


def with_pages_in_the_spec(app):
    """The app with its pages and forms in its OpenAPI spec (this instance only: the routes
    are copied, the routers' own stay hidden)."""
    routes = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            routes.append(copy.copy(route))
            routes[-1].include_in_schema = True
    spec = get_openapi(title=app.title, version=app.version, routes=routes)
    app.openapi = lambda: spec
    return app


@pytest.fixture
def api_schema(settings, operation):
    app = with_pages_in_the_spec(create_app(settings))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


OK, NOTHING_TO_MALFORM = "ok", "nothing to malform"


def outcome(operation, mode: GenerationMode, headers: dict[str, str]) -> str:
    """OK, NOTHING_TO_MALFORM, or what failed."""

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def no_server_error(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.body!r:.200}: "
            f"{response.status_code} {response.text[:300]}"
        )

    try:
        no_server_error()
    except Unsatisfiable:  # negative mode, on no body and parameters that take any text
        return NOTHING_TO_MALFORM
    except Exception as error:  # every failing operation is reported, not only the first
        # (a 500 reaches here as the app's own exception, raised through the ASGI client)
        return f"{error!r}"[:600]
    return OK


def test_no_server_error_on_any_operation(api_schema, auth_headers):
    headers = auth_headers(Role.administrator)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    outcomes = {
        (f"{o.method.upper()} {o.path}", mode): outcome(o, mode, headers)
        for o in operations
        for mode in GenerationMode
    }
    failures = [
        f"{mode.value} {label}: {result}"
        for (label, mode), result in outcomes.items()
        if result not in (OK, NOTHING_TO_MALFORM)
    ]
    assert not failures, "\n".join(failures)
    for form in ("POST /linkage/review/{item_id}", "POST /linkage/persons/{person_id}/split"):
        spec = next(o for o in operations if f"{o.method.upper()} {o.path}" == form)
        assert FORM in spec.definition.raw["requestBody"]["content"]
        assert outcomes[(form, GenerationMode.NEGATIVE)] == OK  # malformed forms were sent
