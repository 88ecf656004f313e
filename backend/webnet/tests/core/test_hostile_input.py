"""Hostile input shapes against every API operation of the schema and every UI route: never a 5xx.

As admin of customer A, with path parameters filled with ids of A's objects, every operation gets
each shape in every query parameter, in every body property and in the path; write operations also
get a JSON body nested 100,000 deep and a 10 MB body (which must answer 413).
"""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from webnet.compliance.models import ComplianceRun
from webnet.config_mgmt.models import TemplateVariables
from webnet.config_mgmt.plans import ChangePlan
from webnet.jobs import executors
from webnet.jobs.models import Job, Schedule
from webnet.networkops.models import CustomerIPRange, DiscoveryCandidate
from webnet.tests import factories as f
from webnet.tests.conftest import World

SHAPES = (  # each one a value for every parameter, property and path id
    "²",  # passes str.isdigit(), fails int()
    str(2**64),  # more than SQLite binds
    "-1",
    "a\r\nb\x00c",  # CRLF (headers) and NUL (databases)
    "ünï☃𝔘\u202e" * 400,  # longer than any name field, and not Latin-1
)
NESTED = "[" * 100_000 + "]" * 100_000
BIG = '{"name": "' + "x" * (10 << 20) + '"}'
RAW = (NESTED, BIG)
JSON = "application/json"
WRITES = ("post", "put", "patch")
UI_FIELDS = (
    "a b ids device days page q customer snapshot name body kind status run policy rule targets "
    "hostname platform schedule since group tag credential level after_seq variables confirm"
)
UI_OBJECTS = {  # UI route prefix → the API resource whose first id fills <int:pk>
    "devices": "devices",
    "config/snapshots": "config-snapshots",
    "config/templates": "config-templates",
    "credentials": "credentials",
    "tags": "tags",
    "groups": "device-groups",
    "members": "memberships",
    "tokens": "tokens",
    "jobs": "jobs",
    "deploy": "change-plans",
    "schedules": "schedules",
    "compliance/runs": "compliance-runs",
    "compliance/devices": "devices",
    "compliance/policies": "compliance-policies",
    "compliance/waivers": "compliance-waivers",
    "terminal/sessions": "terminal-sessions",
    "onboarding/ranges": "ip-ranges",
}


@pytest.fixture
def rich_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """Customer A with an object of every kind the fuzz can find by id."""
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    credential = f.CredentialFactory(customer=world.a)
    tag = f.TagFactory(customer=world.a)
    device = f.DeviceFactory(customer=world.a, credential=credential, tags=[tag])
    other = f.DeviceFactory(customer=world.a)
    f.DeviceGroupFactory(customer=world.a, devices=[device])
    f.SSHHostKeyFactory(device=device)
    for each in (device, device, other):
        f.ConfigSnapshotFactory(device=each)
    f.ConfigTemplateFactory(customer=world.a)
    f.ComplianceWaiverFactory(customer=world.a, device=device)
    job = Job.objects.create(customer=world.a, kind="backup", requested_by=world.admin)
    ComplianceRun.objects.create(customer=world.a, job=job)
    Schedule.objects.create(
        customer=world.a, name="nightly", kind="backup", cron="0 2 * * *", owner=world.admin
    )
    CustomerIPRange.objects.create(customer=world.a, cidr="127.0.0.1/32", ports="22")
    DiscoveryCandidate.objects.create(customer=world.a, source="lldp", hostname="new-1")
    TemplateVariables.objects.create(customer=world.a, device=device, values={"x": 1})
    ChangePlan.objects.create(customer=world.a, created_by=world.admin)
    return world


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def _first_ids(client: Client, paths: list[str]) -> dict[str, int]:
    """resource → id of its first listed object (from the API itself, whatever the kind)."""
    ids = {}
    for path in paths:
        if re.fullmatch(r"/api/v1/[a-z-]+/", path):
            body = client.get(path).json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            if rows and isinstance(rows, list) and "id" in rows[0]:
                ids[path.split("/")[3]] = rows[0]["id"]
    return ids


def _properties(schema: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return list(body.get("properties", {})) or ["name"]


def _api_requests(schema: dict[str, Any], ids: dict[str, int]) -> list[tuple[str, str, dict]]:
    """(method, path, client kwargs): the shapes for every operation, deletes last."""
    requests: list[tuple[str, str, dict]] = []
    for template, operations in schema["paths"].items():
        real = template.replace("{id}", str(ids.get(template.split("/")[3], 1)))
        for method, operation in operations.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for shape in SHAPES:
                if "{id}" in template and method == "get":
                    requests.append((method, template.replace("{id}", shape), {}))
                if method == "get":
                    requests.append((method, real, {"data": dict.fromkeys(query, shape)}))
                if method in WRITES:
                    body = dict.fromkeys(_properties(schema, operation), shape)
                    requests.append((method, real, {"data": body, "content_type": JSON}))
            if method in WRITES:
                requests += [(method, real, {"data": raw, "content_type": JSON}) for raw in RAW]
    return sorted(requests, key=lambda r: r[0] == "delete")


def _ui_routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _ui_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(("api/", "logout")):
            yield route


def _fill(route: str, ids: dict[str, int]) -> str:
    resource = next((r for p, r in UI_OBJECTS.items() if route.startswith(p + "/")), "")
    return "/" + re.sub(r"<int:\w+>", str(ids.get(resource, 1)), route)


def _check(client: Client, method: str, path: str, kwargs: dict, errors: list[str]) -> int:
    data = kwargs.get("data")
    response = getattr(client, method)(path, **kwargs)
    if response.status_code >= 500 or (data is BIG and response.status_code != 413):
        errors.append(f"{method.upper()} {path[:80]} {str(data)[:60]!r}: {response.status_code}")
    return response.status_code


def test_every_api_operation_survives_hostile_shapes(rich_world: World) -> None:
    client = _admin(rich_world)
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ids = _first_ids(client, list(schema["paths"]))
    errors: list[str] = []
    for method, path, kwargs in _api_requests(schema, ids):
        _check(client, method, quote(path, safe="/?=&"), kwargs, errors)
    assert not errors, "\n".join(errors)


def test_every_ui_route_survives_hostile_shapes(rich_world: World) -> None:
    client = _admin(rich_world)
    ids = _first_ids(client, [f"/api/v1/{r}/" for r in set(UI_OBJECTS.values())])
    errors: list[str] = []
    for route in _ui_routes(get_resolver().url_patterns):
        path = _fill(route, ids)
        for method in ("get", "post"):
            for shape in SHAPES:
                form = dict.fromkeys(UI_FIELDS.split(), shape)
                if _check(client, method, path, {"data": form}, errors) == 405:
                    break  # the route does not take this method
        _check(client, "post", path, {"data": BIG, "content_type": JSON}, errors)
        client.force_login(rich_world.admin)  # a route may have ended the session
    assert not errors, "\n".join(errors)
