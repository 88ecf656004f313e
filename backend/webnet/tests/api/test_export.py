"""Every list endpoint exports its whole filtered list as CSV and JSON, scoped like the list."""

import json

import pytest

from webnet.api.urls import router
from webnet.tests import factories as f
from webnet.tests.conftest import World, client_for

LISTS = [prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_exports(world: World, prefix: str) -> None:
    viewset = dict((p, v) for p, v, _ in router.registry)[prefix]
    assert hasattr(viewset, "export"), f"/api/v1/{prefix}/ has no export"
    client = client_for(world.staff)
    for file_format in ("csv", "json"):
        response = client.get(f"/api/v1/{prefix}/export/?file_format={file_format}")
        assert response.status_code == 200, (prefix, file_format)
        body = b"".join(response.streaming_content).decode()
        if file_format == "json":
            assert isinstance(json.loads(body), list)


def test_audit_export_is_scoped(world: World, api) -> None:
    api("operator").post("/api/v1/tags/", {"customer": world.a.pk, "name": "a-tag"}, format="json")
    f.TagFactory(customer=world.b)
    api("outsider").post("/api/v1/tags/", {"customer": world.b.pk, "name": "b-tag"}, format="json")
    response = api("admin").get("/api/v1/audit-events/export/?file_format=json")
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["object_repr"] for row in rows] == ["a-tag"]
