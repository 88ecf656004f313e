"""Subscribers API: generated contracts, transitions, the login password, customers affected,
and the billing system's requests."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from webnet.core.models import AuditEvent
from webnet.jobs import executors
from webnet.notifications.models import OutboxMessage
from webnet.subscribers.models import ServiceInstance, Subscriber
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World
from webnet.users.services import create_token

OPERATOR_WRITES = {"view": "viewer", "add": "operator", "change": "operator", "delete": "admin"}


class TestServicePlans(ResourceContract):
    endpoint = "service-plans"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {"templates": lambda customer: f.ConfigTemplateFactory(customer=customer)}
    many_related = frozenset({"templates"})

    def make(self, world: World) -> Any:
        return f.ServicePlanFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "Fiber 100", "down_kbps": 100000, "up_kbps": 1}

    def update_payload(self, world: World) -> dict:
        return {"suspend_strategy": "redirect"}


class TestSubscribers(ResourceContract):
    endpoint = "subscribers"
    least_role = OPERATOR_WRITES
    related = {"location": lambda customer: f.LocationFactory(site__customer=customer)}

    def make(self, world: World) -> Any:
        return f.SubscriberFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "account_number": "A-9", "name": "Ada"}

    def update_payload(self, world: World) -> dict:
        return {"phone": "+31 20 555 0101"}


class TestServices(ResourceContract):
    endpoint = "services"
    least_role = OPERATOR_WRITES
    related = {
        "subscriber": lambda customer: f.SubscriberFactory(customer=customer),
        "plan": lambda customer: f.ServicePlanFactory(customer=customer),
        "device": lambda customer: f.DeviceFactory(customer=customer),
    }

    def make(self, world: World) -> Any:
        return f.ServiceInstanceFactory(subscriber__customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "subscriber": f.SubscriberFactory(customer=world.a).pk,
            "plan": f.ServicePlanFactory(customer=world.a).pk,
            "device": f.DeviceFactory(customer=world.a).pk,
            "login": "bob",
            "password": "s3cret-pppoe",
        }

    def update_payload(self, world: World) -> dict:
        return {"port": "ge-0/0/9"}


@pytest.fixture
def service(world: World) -> Any:
    return f.ServiceInstanceFactory(
        subscriber__customer=world.a,
        subscriber__account_number="ACC-1",
        external_id="splynx-77",
        password="never-shown",
    )


def test_the_login_password_is_write_only_and_masked_in_the_audit(world, api, service) -> None:
    body = api("viewer").get(f"/api/v1/services/{service.pk}/").json()
    assert body["has_password"] is True and "password" not in body
    response = api("operator").patch(
        f"/api/v1/services/{service.pk}/", {"password": "other-secret"}, format="json"
    )
    assert response.status_code == 200 and "other-secret" not in response.content.decode()
    event = AuditEvent.objects.filter(object_type="subscribers.serviceinstance").latest("id")
    assert "other-secret" not in str(event.changes)
    service.refresh_from_db()
    assert service.reveal_password() == "other-secret"


def test_status_and_plan_change_only_by_transition(world, api, service) -> None:
    other = f.ServicePlanFactory(customer=world.a)
    response = api("operator").patch(
        f"/api/v1/services/{service.pk}/", {"plan": other.pk}, format="json"
    )
    assert response.status_code == 400 and "change_plan" in str(response.json()["plan"])


def test_transitions_by_api_announce_once_and_refuse_impossible_ones(
    world, api, service, monkeypatch
) -> None:
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    url = f"/api/v1/services/{service.pk}/transition/"
    client = api("operator")
    assert client.post(url, {"transition": "suspend"}, format="json").status_code == 400
    first = client.post(url, {"transition": "activate"}, format="json").json()
    again = client.post(url, {"transition": "activate"}, format="json").json()
    assert first["changed"] and not again["changed"]
    assert again["provisioning_plan"]["id"] == first["provisioning_plan"]["id"]
    body = first["provisioning_plan"]["body"]
    assert "never-shown" not in str(first) and body["radius"]["login"] == service.login
    topics = list(OutboxMessage.objects.values_list("topic", flat=True))
    assert topics == ["service.activated"]
    assert api("viewer").post(url, {"transition": "suspend"}, format="json").status_code == 403
    outsider = api("outsider").post(url, {"transition": "suspend"}, format="json")
    assert outsider.status_code == 404


def test_customers_affected_by_device_port_and_location(world, api, service) -> None:
    site = f.SiteFactory(customer=world.a)
    behind = f.ServiceInstanceFactory(
        subscriber__customer=world.a, device=f.DeviceFactory(customer=world.a, site=site)
    )
    f.ServiceInstanceFactory(subscriber__customer=world.b)
    client = api("viewer")
    by_device = client.get(f"/api/v1/services/affected/?device={service.device_id}").json()
    assert [row["service"] for row in by_device] == [service.pk]
    by_port = client.get(f"/api/v1/services/affected/?port={service.device_id}:ge-0/0/1")
    assert [row["account_number"] for row in by_port.json()] == ["ACC-1"]
    by_site = client.get(f"/api/v1/services/affected/?within=site:{site.pk}").json()
    assert [row["service"] for row in by_site] == [behind.pk]
    csv = client.get(f"/api/v1/services/affected/?device={service.device_id}&file_format=csv")
    assert csv["Content-Type"] == "text/csv"
    assert b"account_number" in b"".join(csv.streaming_content)
    bad = client.get("/api/v1/services/affected/?port=nope&within=planet:1")
    assert bad.status_code == 400 and set(bad.json()) == {"port", "within"}


def test_a_billing_token_suspends_restores_and_changes_plan_idempotently(
    world, api, service, client, monkeypatch
) -> None:
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    service.status = "active"
    service.save()
    f.ServicePlanFactory(customer=world.a, name="Basic", external_id="plan-basic")
    _, secret = create_token(world.operator, user=world.operator, name="splynx", customer=world.a)
    headers = {"HTTP_AUTHORIZATION": f"Token {secret}"}

    def call(**data: Any) -> Any:
        return client.post(
            "/api/v1/billing/requests/", data, content_type="application/json", **headers
        )

    first = call(action="suspend", service_external_id="splynx-77")
    assert first.status_code == 200 and first.json()["changed"] is True
    assert call(action="suspend", service_external_id="splynx-77").json()["changed"] is False
    assert call(action="restore", account_number="ACC-1").json()["changed"] is True
    changed = call(action="change_plan", account_number="ACC-1", plan="plan-basic").json()
    assert changed["changed"] and changed["provisioning_plan"]["transition"] == "change_plan"
    service.refresh_from_db()
    assert (service.status, service.plan.name) == ("active", "Basic")
    missing = call(action="suspend", account_number="nobody")
    assert missing.status_code == 400 and "account_number" in missing.json()
    assert call(action="explode").status_code == 400
    assert call(action="change_plan", account_number="ACC-1", plan="?").json().keys() == {"plan"}


def test_usage_export_sums_accounting_per_subscriber(world, api, service) -> None:
    for seconds in (60, 120):
        f.RadAcctFactory(
            customer=world.a,
            username=service.login,
            acctsessiontime=seconds,
            acctinputoctets=1000,
            acctoutputoctets=5000,
        )
    f.RadAcctFactory(customer=world.b, username=service.login, acctsessiontime=999)
    url = "/api/v1/subscribers/usage/?since=2000-01-01T00:00Z&until=2100-01-01T00:00Z"
    rows = api("viewer").get(url).json()
    assert rows == [
        {
            "account_number": "ACC-1",
            "subscriber_external_id": "",
            "service": service.pk,
            "login": service.login,
            "sessions": 2,
            "seconds": 180,
            "input_octets": 2000,
            "output_octets": 10000,
        }
    ]
    csv = api("viewer").get(url + "&file_format=csv")
    assert b"ACC-1" in b"".join(csv.streaming_content)
    bad = api("viewer").get("/api/v1/subscribers/usage/?since=2020-01-02T00:00Z&until=2020-01-01")
    assert bad.status_code == 400 and "until" in bad.json()


def test_csv_import_dry_run_then_commit(world, api) -> None:
    f.ServicePlanFactory(customer=world.a, name="Fiber")
    f.DeviceFactory(customer=world.a, hostname="olt1")
    good = (
        "account_number,name,email,plan,device,onu_id,login,password\n"
        "B-1,Bea,bea@example.net,Fiber,olt1,onu-3,bea,pw\n"
        "B-2,Bo,,,,,,\n"
    )
    bad = "account_number,name,email,plan,device\nB-3,Cy,not-an-email,Nope,olt1\n"

    def post(content: str, **extra: Any) -> Any:
        upload = SimpleUploadedFile("subs.csv", content.encode(), content_type="text/csv")
        return api("operator").post(
            "/api/v1/subscribers/import/", {"file": upload, **extra}, format="multipart"
        )

    refused = post(bad)
    assert refused.status_code == 400
    assert refused.json()["rows"][0]["errors"] == [
        "email: Enter a valid email address.",
        "plan: no plan named 'Nope'",
    ]
    assert post(good).json() | {"rows": []} == {
        "ok": True,
        "committed": False,
        "total": 2,
        "skipped": 0,
        "services": 1,
        "errors": [],
        "rows": [],
    }
    assert not Subscriber.objects.exists()
    assert post(good, dry_run="false").status_code == 201
    service = ServiceInstance.objects.get(subscriber__account_number="B-1")
    assert (service.onu_id, service.reveal_password(), service.status) == ("onu-3", "pw", "pending")
    again = post(good, on_existing="skip", dry_run="false").json()
    assert again["skipped"] == 2
    export = api("viewer").get("/api/v1/subscribers/export/?file_format=csv")
    assert b"B-1,,Bea,bea@example.net" in b"".join(export.streaming_content)
