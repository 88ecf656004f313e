"""Schemathesis against /api/schema/: a bounded number of generated requests per operation, as
admin, operator and viewer (real bearer tokens over HTTP to a live server). No response may be a
5xx or contradict the schema for its status code.
"""

from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from webnet.jobs import executors
from webnet.notifications import transports
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.users import services as user_services

EXAMPLES = 6  # per operation and role: ~60 operations x 3 roles stays under a minute
ROLES = ("admin", "operator", "viewer")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
def fuzz_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """Something to find for every list: a device with a credential, a tag, a group."""
    credential = factories.CredentialFactory(customer=world.a)
    factories.DeviceFactory(customer=world.a, credential=credential)
    factories.TagFactory(customer=world.a)
    factories.DeviceGroupFactory(customer=world.a)
    # Generated jobs are stored and answered like any other; running them is the runner's test.
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    # (Generated ranges may name any address: a scan is a job, so it never runs here either.)
    # Generated sinks may name any URL: a sink's test send is answered without leaving the host.
    monkeypatch.setattr(
        transports, "send", lambda envelope, rendered: transports.Outcome(False, None, "fuzz")
    )
    return world


def _fuzz(operation: Any, call: Callable[[Any], requests.Response]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = call(case)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_generated_requests_within_its_schema(
    live_server: Any, fuzz_world: World, role: str
) -> None:
    user = getattr(fuzz_world, role)
    _, token = user_services.create_token(None, user=user, name=f"fuzz-{role}")
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw)
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, lambda case: case.call(base_url=live_server.url, headers=headers))
        except (AssertionError, BaseExceptionGroup) as exc:  # FailureGroup: distinct failures
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
