"""One base class that generates the API tests of a tenant-scoped resource.

A subclass names the endpoint, a factory, payloads and the least role for each action (written
here by hand, independent of core/access.py, so the table itself is under test). The base then
checks list/retrieve/create/update/delete for every role, the cross-customer rules (absent from
lists, 404 on detail, 400 for a foreign id in a related field) and one audit event per write.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from webnet.core.models import AuditEvent
from webnet.tests.conftest import World
from webnet.tests.factories import MembershipFactory

ROLES = ["viewer", "operator", "admin", "outsider", "anonymous"]
RANK = {"viewer": 1, "operator": 2, "admin": 3}


def _allowed(role: str, least: str | None) -> bool:
    return least is not None and role in RANK and RANK[role] >= RANK[least]


class ResourceContract:
    endpoint: ClassVar[str]
    least_role: ClassVar[dict[str, str | None]]  # view/add/change/delete → least role or None
    related: ClassVar[dict[str, Callable[[Any], Model]]] = {}  # field → make(customer) → obj
    many_related: ClassVar[frozenset[str]] = frozenset()

    def make(self, world: World) -> Model:
        raise NotImplementedError

    def create_payload(self, world: World) -> dict[str, Any]:
        raise NotImplementedError

    def update_payload(self, world: World) -> dict[str, Any]:
        raise NotImplementedError

    def url(self, pk: Any = None) -> str:
        base = f"/api/v1/{self.endpoint}/"
        return base if pk is None else f"{base}{pk}/"

    @pytest.mark.parametrize("role", ROLES)
    def test_list(self, world: World, api: Any, role: str) -> None:
        obj = self.make(world)
        response = api(role).get(self.url())
        if role == "anonymous":
            assert response.status_code in (401, 403)
            return
        assert response.status_code == 200, response.content
        ids = [row["id"] for row in response.json()["results"]]
        assert (obj.pk in ids) == _allowed(role, self.least_role["view"])

    @pytest.mark.parametrize("role", ROLES)
    def test_retrieve(self, world: World, api: Any, role: str) -> None:
        obj = self.make(world)
        response = api(role).get(self.url(obj.pk))
        expected = 200 if _allowed(role, self.least_role["view"]) else 404
        if role == "anonymous":
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == expected, response.content

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, world: World, api: Any, role: str) -> None:
        payload = self.create_payload(world)
        before = AuditEvent.objects.count()
        response = api(role).post(self.url(), payload, format="json")
        if role == "anonymous":
            assert response.status_code in (401, 403)
        elif role == "outsider":
            # Customer A is not theirs: its id is "not found" in the customer field (or 403
            # when the resource has no customer-scoped create at all).
            assert response.status_code in (400, 403), response.content
        elif _allowed(role, self.least_role["add"]):
            assert response.status_code == 201, response.content
            assert AuditEvent.objects.count() == before + 1
            event = AuditEvent.objects.first()
            assert event.action == "create" and event.object_id == str(response.json()["id"])
            return
        else:
            assert response.status_code == 403, response.content
        assert AuditEvent.objects.count() == before

    @pytest.mark.parametrize("role", ROLES)
    def test_update(self, world: World, api: Any, role: str) -> None:
        obj = self.make(world)
        before = AuditEvent.objects.count()
        response = api(role).patch(self.url(obj.pk), self.update_payload(world), format="json")
        if role == "anonymous":
            assert response.status_code in (401, 403)
        elif role == "outsider":
            assert response.status_code == 404, response.content
        elif not _allowed(role, self.least_role["view"]):
            assert response.status_code in (403, 404), response.content
        elif _allowed(role, self.least_role["change"]):
            assert response.status_code == 200, response.content
            assert AuditEvent.objects.count() == before + 1
            assert AuditEvent.objects.first().action == "update"
            return
        else:
            assert response.status_code == 403, response.content
        assert AuditEvent.objects.count() == before

    @pytest.mark.parametrize("role", ROLES)
    def test_delete(self, world: World, api: Any, role: str) -> None:
        obj = self.make(world)
        before = AuditEvent.objects.count()
        response = api(role).delete(self.url(obj.pk))
        model = type(obj)
        if role == "anonymous":
            assert response.status_code in (401, 403)
        elif role == "outsider":
            assert response.status_code == 404
        elif not _allowed(role, self.least_role["view"]):
            assert response.status_code in (403, 404)
        elif _allowed(role, self.least_role["delete"]):
            assert response.status_code == 204, response.content
            assert not model._default_manager.filter(pk=obj.pk).exists()
            assert AuditEvent.objects.count() == before + 1
            assert AuditEvent.objects.first().action == "delete"
            return
        else:
            assert response.status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()
        assert AuditEvent.objects.count() == before

    def test_foreign_related_ids_are_rejected(self, world: World, api: Any) -> None:
        """A related id from customer B is refused on create, even for a member of both."""
        MembershipFactory(user=world.admin, customer=world.b, role="viewer")
        for field, make in self.related.items():
            foreign = make(world.b)
            payload = self.create_payload(world)
            payload[field] = [foreign.pk] if field in self.many_related else foreign.pk
            response = api("admin").post(self.url(), payload, format="json")
            assert response.status_code == 400, (field, response.content)
            assert field in response.json()

    def test_unseen_related_ids_are_not_found(self, world: World, api: Any) -> None:
        for field, make in self.related.items():
            foreign = make(world.b)
            payload = self.create_payload(world)
            payload[field] = [foreign.pk] if field in self.many_related else foreign.pk
            response = api("admin").post(self.url(), payload, format="json")
            assert response.status_code == 400, (field, response.content)
            assert "does not exist" in str(response.json()[field])

    def test_list_query_count_is_fixed(self, world: World, api: Any) -> None:
        """The list costs the same number of queries for 2 rows as for 12 (no N+1)."""
        client = api("admin")
        for _ in range(2):
            self.make(world)
        with CaptureQueriesContext(connection) as small:
            assert client.get(self.url()).status_code == 200
        for _ in range(10):
            self.make(world)
        with CaptureQueriesContext(connection) as large:
            assert client.get(self.url()).status_code == 200
        assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


class ReadOnlyContract(ResourceContract):
    """The contract of a resource that jobs, the poller or the engines make: readable by the
    least role, never created or edited through its endpoint (405 or 403, nothing audited), and
    deleted only where ``least_role["delete"]`` says so."""

    least_role: ClassVar[dict[str, str | None]]  # "view" and "delete" (None: not deletable)

    def create_payload(self, world: World) -> dict[str, Any]:
        return {"customer": world.a.pk}

    def update_payload(self, world: World) -> dict[str, Any]:
        return {"customer": world.b.pk}

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, world: World, api: Any, role: str) -> None:
        before = AuditEvent.objects.count()
        response = api(role).post(self.url(), self.create_payload(world), format="json")
        assert response.status_code in (401, 403, 405), response.content
        assert AuditEvent.objects.count() == before

    @pytest.mark.parametrize("role", ROLES)
    def test_update(self, world: World, api: Any, role: str) -> None:
        obj = self.make(world)
        before = AuditEvent.objects.count()
        response = api(role).patch(self.url(obj.pk), self.update_payload(world), format="json")
        assert response.status_code in (401, 403, 404, 405), response.content
        obj.refresh_from_db()
        assert obj.customer_id == world.a.pk
        assert AuditEvent.objects.count() == before

    @pytest.mark.parametrize("role", ROLES)
    def test_delete(self, world: World, api: Any, role: str) -> None:
        if self.least_role.get("delete"):
            super().test_delete(world, api, role)
            return
        obj = self.make(world)
        response = api(role).delete(self.url(obj.pk))
        assert response.status_code in (401, 403, 404, 405), response.content
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()
