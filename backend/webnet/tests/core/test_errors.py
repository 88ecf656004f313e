"""Bad input never produces a 500: field messages for bad payloads, fuzzed devices and groups."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webnet.tests.conftest import World

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
DEVICE_FIELDS = [
    "customer",
    "hostname",
    "management_host",
    "port",
    "platform",
    "tags",
    "credential",
    "latitude",
    "longitude",
    "enabled",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.dictionaries(st.sampled_from(DEVICE_FIELDS), JSON_VALUES, max_size=6))
def test_device_create_never_500(world: World, api, payload: dict) -> None:
    response = api("admin").post("/api/v1/devices/", payload, format="json")
    assert response.status_code in (201, 400), response.content


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rules=JSON_VALUES, kind=st.sampled_from(["static", "dynamic", "other", 3]))
def test_group_rules_never_500(world: World, api, rules, kind) -> None:
    response = api("operator").post(
        "/api/v1/device-groups/",
        {"customer": world.a.pk, "name": "fuzz", "kind": kind, "filter_rules": rules},
        format="json",
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        api("operator").delete(f"/api/v1/device-groups/{response.json()['id']}/")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "platform",
                "tag",
                "group",
                "page",
                "page_size",
                "ordering",
                "hostname_regex",
                "enabled",
                "q",
                "status",
                "customer",
            ]
        ),
        st.text(max_size=12),
        max_size=4,
    )
)
def test_device_list_filters_never_500(world: World, api, query: dict) -> None:
    response = api("viewer").get("/api/v1/devices/", query)
    assert response.status_code in (200, 400, 404), response.content


def test_malformed_json_is_400(world: World, api) -> None:
    response = api("admin").generic(
        "POST", "/api/v1/tags/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()


def test_unknown_error_is_a_generic_500_with_request_id(world: World, api, monkeypatch) -> None:
    from webnet.api.devices import TagViewSet

    def explode(self, request):  # type: ignore[no-untyped-def]
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(TagViewSet, "list", explode)
    response = api("viewer").get("/api/v1/tags/", HTTP_X_REQUEST_ID="r-500")
    body = json.loads(response.content)
    assert response.status_code == 500
    assert body == {"detail": "Internal server error.", "request_id": "r-500"}
