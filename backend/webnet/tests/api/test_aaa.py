"""AAA API: the NAS registry's contract (secret write-only, never shown or audited in clear),
sessions and their CoA action by role, password values masked in FreeRADIUS's rows."""

from typing import Any

import pytest

from webnet.aaa import provisioning
from webnet.aaa.models import Nas
from webnet.core.models import AuditEvent
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db


class TestNasContract(ResourceContract):
    endpoint = "nas"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Nas:
        return f.NasFactory(customer=world.a)

    def create_payload(self, world: World) -> dict[str, Any]:
        return {
            "customer": world.a.pk,
            "name": "bng-new",
            "nasname": "127.0.0.77",
            "secret": f.CANARY,
            "coa_port": 3799,
        }

    def update_payload(self, world: World) -> dict[str, Any]:
        return {"description": "edge BNG"}


def test_nas_secret_is_stored_encrypted_and_never_returned(world: World, api: Any) -> None:
    # when
    created = api("admin").post(
        "/api/v1/nas/",
        {"customer": world.a.pk, "name": "b1", "nasname": "127.0.0.80", "secret": f.CANARY},
        format="json",
    )
    # then: write-only (the suite's canary guard also watches responses, logs and audit)
    assert created.status_code == 201, created.content
    assert "secret" not in created.json() and created.json()["has_secret"] is True
    nas = Nas.objects.get(pk=created.json()["id"])
    assert f.CANARY not in nas.secret_encrypted and nas.reveal_secret() == f.CANARY
    assert AuditEvent.objects.filter(object_id=str(nas.pk)).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "b2", "nasname": "not-an-ip", "secret": "x1"}, "nasname"),
        ({"name": "b3", "nasname": "127.0.0.81"}, "secret"),
        ({"name": "b4", "nasname": "127.0.0.82", "secret": "two words"}, "secret"),
        ({"name": "b5", "nasname": "127.0.0.83", "secret": "x1", "coa_port": 70000}, "coa_port"),
    ],
)
def test_bad_nas_is_a_field_error(world: World, api: Any, payload: dict, field: str) -> None:
    response = api("admin").post("/api/v1/nas/", {"customer": world.a.pk, **payload}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_sessions_list_online_and_coa_needs_an_operator(world: World, api: Any) -> None:
    # given
    online = f.RadAcctFactory(customer=world.a)
    f.RadAcctFactory(customer=world.b)
    # when / then: A's viewer sees A's session only
    rows = api("viewer").get("/api/v1/radius-sessions/?online=true").json()["results"]
    assert [row["id"] for row in rows] == [online.pk] and rows[0]["online"] is True
    # when / then: a viewer may not send CoA; an operator's bad attribute is a field error
    url = f"/api/v1/radius-sessions/{online.pk}/coa/"
    body = {"attributes": {"Mikrotik-Rate-Limit": "1M/1M"}}
    assert api("viewer").post(url, body, format="json").status_code == 403
    bad = api("operator").post(url, {"attributes": {"No-Such-Attr": "1"}}, format="json")
    assert bad.status_code == 400 and "attributes" in bad.json()
    unregistered = api("operator").post(url, body, format="json")  # no NAS has its address
    assert unregistered.status_code == 400 and "nasipaddress" in unregistered.json()
    # and: B's session is not found for A's operator
    other = f.RadAcctFactory(customer=world.b)
    foreign = api("operator").post(f"/api/v1/radius-sessions/{other.pk}/disconnect/")
    assert foreign.status_code == 404


def test_radius_rows_are_admin_only_with_passwords_masked(world: World, api: Any) -> None:
    # given
    check = [("Cleartext-Password", ":=", f.CANARY)]
    provisioning.apply_user(world.a, "alice", check=check, reply=[], groups=["gold"])
    # when
    as_admin = api("admin").get("/api/v1/radius-check/").json()["results"]
    as_operator = api("operator").get("/api/v1/radius-check/").json()["results"]
    # then
    assert [(r["username"], r["value"]) for r in as_admin] == [("alice", "********")]
    assert as_operator == []
    groups = api("admin").get("/api/v1/radius-user-groups/").json()["results"]
    assert [g["groupname"] for g in groups] == ["gold"]
