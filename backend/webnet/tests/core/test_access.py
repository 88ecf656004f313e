"""The gate's per-request memo of a user's roles: one query per request, never stale across."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.core import access
from webnet.core.context import RequestContext, current
from webnet.customers.models import Membership
from webnet.tests.conftest import World


def _within(request_id: str, fn):  # type: ignore[no-untyped-def]
    token = current.set(RequestContext(request_id=request_id))
    try:
        return fn()
    finally:
        current.reset(token)


def test_roles_are_read_once_per_request(world: World) -> None:
    def checks() -> None:
        for _ in range(5):
            access.can(world.operator, "tag", "add", world.a.pk)

    with CaptureQueriesContext(connection) as queries:
        _within("r1", checks)
    assert len(queries) == 1


def test_a_role_change_shows_in_the_next_request(world: World, api) -> None:
    client = api("operator")  # the same user object serves both requests
    assert client.post("/api/v1/tags/", {"customer": world.a.pk, "name": "x"}).status_code == 201
    Membership.objects.filter(user=world.operator).update(role="viewer")
    assert client.post("/api/v1/tags/", {"customer": world.a.pk, "name": "y"}).status_code == 403


def test_outside_a_request_every_call_asks_the_database(world: World) -> None:
    assert access.can(world.operator, "tag", "add", world.a.pk)
    Membership.objects.filter(user=world.operator).update(role="viewer")
    assert not access.can(world.operator, "tag", "add", world.a.pk)
