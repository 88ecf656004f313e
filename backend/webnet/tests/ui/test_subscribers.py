"""Subscriber and service pages: roles, another customer's 404, transitions with the plan shown."""

import pytest

from webnet.aaa import coa
from webnet.drivers.radius import Answer
from webnet.subscribers.models import ServiceInstance
from webnet.tests import factories as f


@pytest.fixture
def service(world) -> ServiceInstance:
    return f.ServiceInstanceFactory(
        subscriber__customer=world.a, subscriber__account_number="ACC-7", login="ann"
    )


def test_pages_render_for_a_viewer_and_hide_from_another_customer(world, ui, service) -> None:
    viewer = ui("viewer")
    assert b"ACC-7" in viewer.get("/subscribers/").content
    assert b"ACC-7" in viewer.get(f"/subscribers/{service.subscriber_id}/").content
    page = viewer.get(f"/services/{service.pk}/").content
    assert b"Nothing provisioned yet" in page and b"data-transition" not in page
    assert (
        viewer.post(f"/services/{service.pk}/transition/", {"transition": "activate"}).status_code
        == 403
    )
    assert ui("outsider").get(f"/services/{service.pk}/").status_code == 404
    assert ui("outsider").get(f"/subscribers/{service.subscriber_id}/").status_code == 404


def test_an_operator_activates_and_suspends_and_sees_the_coa_answer(
    world, ui, service, monkeypatch
) -> None:
    monkeypatch.setattr(coa.radius, "send_change", lambda *a, **k: Answer("ack", None, 1))
    f.NasFactory(customer=world.a, nasname="127.0.0.1")
    operator = ui("operator")
    url = f"/services/{service.pk}/transition/"
    assert operator.post(url, {"transition": "activate"}).status_code == 302
    f.RadAcctFactory(customer=world.a, username="ann", nasipaddress="127.0.0.1")
    assert operator.post(url, {"transition": "suspend"}).status_code == 302
    page = operator.get(f"/services/{service.pk}/").content.decode()
    assert 'data-coa="ack"' in page and "Mikrotik-Rate-Limit=256k/256k" in page
    assert "pppoe-secret" not in page
    refused = operator.post(url, {"transition": "activate"})
    assert refused.status_code == 400 and "cannot activate" in refused.content.decode()


def test_creating_a_service_keeps_the_password_out_of_the_page(world, ui) -> None:
    subscriber = f.SubscriberFactory(customer=world.a)
    plan = f.ServicePlanFactory(customer=world.a)
    device = f.DeviceFactory(customer=world.a)
    operator = ui("operator")
    form = operator.get(f"/services/new/?subscriber={subscriber.pk}").content.decode()
    assert f'<option value="{subscriber.pk}" selected>' in form
    response = operator.post(
        "/services/new/",
        {
            "subscriber": subscriber.pk,
            "plan": plan.pk,
            "device": device.pk,
            "login": "zed",
            "password": "zed-secret",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = ServiceInstance.objects.get(login="zed")
    assert service.reveal_password() == "zed-secret"
    assert "zed-secret" not in operator.get(f"/services/{service.pk}/edit/").content.decode()


def test_the_alarm_console_counts_the_services_behind_each_alarm(world, ui, service) -> None:
    f.AlarmFactory(customer=world.a, device=service.device)
    f.ServiceInstanceFactory(
        subscriber__customer=world.a, device=service.device, status="terminated"
    )
    page = ui("viewer").get("/alarms/").content.decode()
    assert 'data-affected="1"' in page and f"/services/?device={service.device_id}" in page
    listed = ui("viewer").get(f"/services/?device={service.device_id}").content.decode()
    assert "ACC-7" in listed
