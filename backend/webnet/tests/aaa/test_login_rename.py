"""Renaming a live service's RADIUS login is the `reprovision` transition: the old login's rows
give way to the new ones in one transaction, and the sessions under the old login are
disconnected at the lab BNG so the subscriber logs in again under the new one (real FreeRADIUS).
"""

import time

import pytest
from django.test import Client

from webnet.aaa import provisioning as aaa
from webnet.aaa.models import CoaAttempt, RadAcct, RadCheck
from webnet.subscribers import services
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance
from webnet.tests import factories

PASSWORD = "pppoe-secret"  # ServiceInstanceFactory's


def _active_service(world, login: str = "ann") -> ServiceInstance:  # type: ignore[no-untyped-def]
    service = factories.ServiceInstanceFactory(subscriber__customer=world.a, login=login)
    page = Client()
    page.force_login(world.operator)
    assert (
        page.post(f"/services/{service.pk}/transition/", {"transition": "activate"}).status_code
        == 302
    )
    service.refresh_from_db()
    return service


def _stopped(row: RadAcct, seconds: float = 5.0) -> RadAcct:
    deadline = time.monotonic() + seconds
    while row.acctstoptime is None and time.monotonic() < deadline:
        time.sleep(0.05)
        row.refresh_from_db()
    return row


def test_renaming_the_login_on_the_edit_page_reauthenticates_the_live_session(world, bng) -> None:
    # given: ann is online at the BNG
    service = _active_service(world)
    assert bng.call(bng.bng.connect("ann", PASSWORD)) is not None
    old = RadAcct.objects.for_customer(world.a).get(username="ann", acctstoptime__isnull=True)
    page = Client()
    page.force_login(world.operator)
    # when: the operator renames the login on the service's edit page
    response = page.post(
        f"/services/{service.pk}/edit/",
        {
            "subscriber": service.subscriber_id,
            "plan": service.plan_id,
            "device": service.device_id,
            "port": service.port,
            "login": "ann.b",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # then: one reprovision plan; the old session got an ACKed Disconnect and stopped
    pplan = ProvisioningPlan.objects.for_customer(world.a).get(transition="reprovision")
    assert pplan.body["replaces_login"] == "ann" and pplan.body["radius"]["login"] == "ann.b"
    assert [s["outcome"] for s in pplan.outcome["sessions"]] == ["ack"]
    assert CoaAttempt.objects.get().kind == "disconnect"
    assert _stopped(old).acctterminatecause == "Admin-Reset" and not bng.bng.sessions
    # then: FreeRADIUS rejects the old name and accepts the new one, with the plan's rate
    assert bng.call(bng.bng.connect("ann", PASSWORD)) is None
    again = bng.call(bng.bng.connect("ann.b", PASSWORD))
    assert again is not None and again.rate == "20000k/100000k"
    assert set(RadCheck.objects.for_customer(world.a).values_list("username", flat=True)) == {
        "ann.b"
    }
    # then: the page shows the transition, the audit names both logins, no password anywhere
    shown = page.get(f"/services/{service.pk}/").content.decode()
    assert "Reprovision" in shown and PASSWORD not in shown


@pytest.mark.django_db
def test_a_rename_that_fails_midway_leaves_the_old_rows_and_login(world, monkeypatch) -> None:
    # given
    service = _active_service(world)
    before = aaa.actual_rows(world.a, "ann")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(aaa, "apply_user", broken)
    # when: writing the new login's rows fails after the old ones were deleted
    with pytest.raises(RuntimeError):
        services.update_service(world.operator, service, {"login": "ann.b"})
    # then: nothing of the rename happened
    service.refresh_from_db()
    assert service.login == "ann" and aaa.actual_rows(world.a, "ann") == before
    assert not ProvisioningPlan.objects.filter(transition="reprovision").exists()


@pytest.mark.django_db
def test_a_password_change_whose_rows_fail_keeps_the_old_password(world, monkeypatch) -> None:
    # given
    service = _active_service(world)
    stored = service.password_encrypted

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(aaa, "apply_user", broken)
    # when: the new password is saved, then writing its RADIUS rows fails
    with pytest.raises(RuntimeError):
        services.update_service(world.operator, service, {"password": "new-secret"})
    # then: the service keeps the password its RADIUS rows still carry
    service.refresh_from_db()
    assert service.password_encrypted == stored
    assert not ProvisioningPlan.objects.filter(transition="reprovision").exists()


@pytest.mark.django_db
def test_a_rename_onto_a_taken_login_is_a_field_error(world, api) -> None:
    # given: two live services of A, and B's service with the login A asks for
    service = _active_service(world)
    factories.ServiceInstanceFactory(subscriber__customer=world.a, login="bea")
    factories.ServiceInstanceFactory(subscriber__customer=world.b, login="cid")
    url = f"/api/v1/services/{service.pk}/transition/"
    # when / then: A's own login is taken; B's is not A's business (a rename goes through)
    taken = api("operator").post(url, {"transition": "reprovision", "login": "bea"}, format="json")
    assert taken.status_code == 400 and set(taken.json()) == {"login"}
    wrong = api("operator").post(url, {"transition": "suspend", "login": "x"}, format="json")
    assert wrong.status_code == 400 and set(wrong.json()) == {"login"}
    done = api("operator").post(url, {"transition": "reprovision", "login": "cid"}, format="json")
    assert done.status_code == 200 and done.json()["changed"] is True
    again = api("operator").post(url, {"transition": "reprovision"}, format="json")
    assert again.json()["changed"] is False  # the rows are already what the facts say
    assert aaa.actual_rows(world.a, "ann").empty and not aaa.actual_rows(world.a, "cid").empty
    assert api("viewer").post(url, {"transition": "reprovision"}, format="json").status_code == 403
    assert (
        api("outsider").post(url, {"transition": "reprovision"}, format="json").status_code == 404
    )
