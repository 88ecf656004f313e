"""The subscribers issue's "done when", end to end on the real FreeRADIUS and the lab BNG.

A subscriber and a service made through webnet's API log in at the lab BNG through FreeRADIUS;
suspending them on the service page throttles the live session by a real CoA within 5 s, the
ACK is stored and shown; restoring brings the plan rate back (the BNG's CLI, and the octets its
next interim reports to radacct); the billing system's API call does the same; an alarm on the
BNG lists the subscriber affected, for its customer only.
"""

import time

from django.test import Client
from rest_framework.test import APIClient

from webnet.aaa.models import CoaAttempt, RadAcct
from webnet.subscribers.models import ServiceInstance
from webnet.tests import factories
from webnet.tests.aaa.bng import ThreadedBng
from webnet.tests.aaa.conftest import BNG_ADDRESS
from webnet.users.services import create_token

PLAN_RATE = "20000k/100000k"  # Mikrotik-Rate-Limit: up/down as the NAS sees it
FLOOR_RATE = "256k/256k"


def _create_service(world) -> ServiceInstance:  # type: ignore[no-untyped-def]
    """Through the API, as an operator would: subscriber, then a pending service on the BNG."""
    factories.ServicePlanFactory(customer=world.a, name="Fiber 100")
    device = factories.DeviceFactory(
        customer=world.a, hostname="bng-lab-1", management_host=BNG_ADDRESS
    )
    api = APIClient()
    api.force_authenticate(world.operator)
    subscriber = api.post(
        "/api/v1/subscribers/",
        {"customer": world.a.pk, "account_number": "ACC-42", "name": "Ada Lovelace"},
        format="json",
    )
    assert subscriber.status_code == 201, subscriber.json()
    plan = api.get("/api/v1/service-plans/", {"customer": world.a.pk}).json()["results"][0]
    service = api.post(
        "/api/v1/services/",
        {
            "customer": world.a.pk,
            "subscriber": subscriber.json()["id"],
            "plan": plan["id"],
            "device": device.pk,
            "port": "ge-0/0/7",
            "login": "ada",
            "password": "analytical-1843",
            "external_id": "splynx-42",
        },
        format="json",
    )
    assert service.status_code == 201, service.json()
    return ServiceInstance.objects.get(pk=service.json()["id"])


def _down_bps(bng: ThreadedBng, row: RadAcct) -> float:
    """The download rate radacct shows between two interims of the BNG (bits per second)."""
    bng.call(bng.bng.interim())
    row.refresh_from_db()
    before, started = row.acctoutputoctets, time.monotonic()
    time.sleep(0.4)
    bng.call(bng.bng.interim())
    row.refresh_from_db()
    return (row.acctoutputoctets - before) * 8 / (time.monotonic() - started)


def _rate_after(bng: ThreadedBng, act) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    """Run `act`; the session's rate on the BNG's CLI afterwards and how long `act` took."""
    started = time.monotonic()
    act()
    elapsed = time.monotonic() - started
    return bng.bng.status().split("rate=")[1].split()[0], elapsed


def test_suspend_and_restore_by_page_and_billing_reach_the_live_session(world, bng) -> None:
    # given: a subscriber and service made in webnet, activated on the service page
    service = _create_service(world)
    page = Client()
    page.force_login(world.operator)
    url = f"/services/{service.pk}/transition/"
    assert page.post(url, {"transition": "activate"}).status_code == 302
    # when: the subscriber logs in at the BNG
    session = bng.call(bng.bng.connect("ada", "analytical-1843"))
    # then: FreeRADIUS accepted them with the plan's rate and opened the session in A's radacct
    assert session is not None and session.rate == PLAN_RATE
    row = RadAcct.objects.for_customer(world.a).get(username="ada", acctstoptime__isnull=True)
    assert _down_bps(bng, row) > 50e6

    # when: the operator suspends the service on its page
    rate, took = _rate_after(bng, lambda: page.post(url, {"transition": "suspend"}))
    # then: the live session is throttled by CoA within 5 s; the ACK is stored and shown
    assert rate == FLOOR_RATE and took < 5, (rate, took)
    attempt = CoaAttempt.objects.for_customer(world.a).get()
    assert (attempt.session_id, attempt.outcome) == (row.pk, "ack")
    shown = page.get(f"/services/{service.pk}/").content.decode()
    assert 'data-coa="ack"' in shown and f"Mikrotik-Rate-Limit={FLOOR_RATE}" in shown
    assert "analytical-1843" not in shown
    assert _down_bps(bng, row) < 1e6  # the BNG's next interims report the floor rate

    # when / then: restoring brings the plan rate back to the same session
    rate, took = _rate_after(bng, lambda: page.post(url, {"transition": "restore"}))
    assert rate == PLAN_RATE and took < 5
    assert _down_bps(bng, row) > 50e6

    # when: the billing system suspends and restores by its own ids, with its API token
    _, secret = create_token(world.operator, user=world.operator, name="splynx", customer=world.a)
    billing = Client(HTTP_AUTHORIZATION=f"Token {secret}")

    def bill(**data: str):  # type: ignore[no-untyped-def]
        return billing.post("/api/v1/billing/requests/", data, content_type="application/json")

    rate, took = _rate_after(bng, lambda: bill(action="suspend", service_external_id="splynx-42"))
    # then: the same CoA, ACKed, on the same session
    assert rate == FLOOR_RATE and took < 5
    assert bill(action="suspend", service_external_id="splynx-42").json()["changed"] is False
    rate, took = _rate_after(bng, lambda: bill(action="restore", account_number="ACC-42"))
    assert rate == PLAN_RATE and took < 5
    outcomes = CoaAttempt.objects.for_customer(world.a).values_list("outcome", flat=True)
    assert list(outcomes) == ["ack"] * 4
    service.refresh_from_db()
    assert service.status == "active" and bng.bng.sessions  # throttled, never cut off


def test_an_alarm_on_the_bng_lists_the_subscribers_behind_it(world, bng) -> None:
    # given: the service is live on the BNG, and the BNG raises an alarm
    service = _create_service(world)
    page = Client()
    page.force_login(world.viewer)
    operator = Client()
    operator.force_login(world.operator)
    operator.post(f"/services/{service.pk}/transition/", {"transition": "activate"})
    assert bng.call(bng.bng.connect("ada", "analytical-1843")) is not None
    factories.AlarmFactory(customer=world.a, device=service.device, condition="device.down")
    # when: a viewer opens the alarm console and follows the alarm's affected link
    console = page.get("/alarms/").content.decode()
    listed = page.get(f"/services/?device={service.device_id}").content.decode()
    # then: the subscriber behind the BNG is named
    assert 'data-affected="1"' in console and f"/services/?device={service.device_id}" in console
    assert "ACC-42" in listed
    # and: the API's notice export names them too; another customer learns nothing
    api = APIClient()
    api.force_authenticate(world.viewer)
    rows = api.get("/api/v1/services/affected/", {"device": service.device_id}).json()
    assert [(r["account_number"], r["device"]) for r in rows] == [("ACC-42", "bng-lab-1")]
    outsider = Client()
    outsider.force_login(world.outsider)
    assert "ACC-42" not in outsider.get(f"/services/?device={service.device_id}").content.decode()
    assert "ACC-42" not in outsider.get("/alarms/").content.decode()
