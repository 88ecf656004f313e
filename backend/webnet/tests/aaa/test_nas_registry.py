"""The NAS registry's one address rule: FreeRADIUS knows a client by its source address, so an
address is one NAS in the whole platform. A clash is a field error that reads the same whether
the other NAS is the customer's own or another customer's (no existence oracle)."""

import pytest

from webnet.aaa import services
from webnet.tests import factories

pytestmark = pytest.mark.django_db

NEUTRAL = {"nasname": ["This address cannot be registered as a NAS."]}


def _create(api, world, address: str, name: str = "edge") -> object:  # type: ignore[no-untyped-def]
    return api("admin").post(
        "/api/v1/nas/",
        {"customer": world.a.pk, "name": name, "nasname": address, "secret": "s3cret"},
        format="json",
    )


def test_an_address_taken_here_or_elsewhere_is_the_same_neutral_field_error(world, api) -> None:
    # given: A has a NAS on .41, B (another customer) has one on .42
    factories.NasFactory(customer=world.a, nasname="127.0.0.41")
    factories.NasFactory(customer=world.b, nasname="127.0.0.42")
    # when
    own, foreign = _create(api, world, "127.0.0.41"), _create(api, world, "127.0.0.42", "x")
    # then: both 400, one identical message, nothing of B's NAS in it
    assert (own.status_code, foreign.status_code) == (400, 400)
    assert own.json() == foreign.json() == NEUTRAL
    assert "bng" not in foreign.content.decode().lower()
    # and: a free address is fine; moving a NAS onto a taken one is the same error
    free = _create(api, world, "127.0.0.43", "free")
    assert free.status_code == 201, free.json()
    moved = api("admin").patch(
        f"/api/v1/nas/{free.json()['id']}/", {"nasname": "127.0.0.42"}, format="json"
    )
    assert moved.status_code == 400 and moved.json() == NEUTRAL
    # and: the same NAS keeping its own address is no clash
    kept = api("admin").patch(
        f"/api/v1/nas/{free.json()['id']}/", {"nasname": "127.0.0.43"}, format="json"
    )
    assert kept.status_code == 200


def test_a_clash_found_only_by_the_database_is_the_same_error(world, api, monkeypatch) -> None:
    # given: B's NAS, and a check that misses it (two admins racing)
    factories.NasFactory(customer=world.b, nasname="127.0.0.44")
    checks = iter([False, True])  # the check misses it, the look after the insert sees it
    monkeypatch.setattr(services, "address_taken", lambda nasname, nas=None: next(checks))
    # when / then: the unique index answers, and the answer is the same neutral 400
    raced = _create(api, world, "127.0.0.44")
    assert raced.status_code == 400 and raced.json() == NEUTRAL
