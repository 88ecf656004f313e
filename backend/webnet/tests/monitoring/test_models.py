"""Monitoring records: encrypted SNMP secrets (rotation too), one default profile, parents."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, transaction

from webnet.monitoring.models import PollProfile, SnmpCredential
from webnet.networkops.models import DeviceParent, TopologyLink
from webnet.networkops.parents import parents_of
from webnet.tests import factories as f


def test_snmp_secrets_rotate_with_the_key_ring(db, settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    credential = f.SnmpCredentialFactory(community="rotate-me")
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_key")
    settings.ENCRYPTION_KEYS = [new]
    assert SnmpCredential.objects.get(pk=credential.pk).reveal("community") == "rotate-me"


def test_reveal_refuses_unknown_secrets(db) -> None:
    with pytest.raises(ValueError):
        f.SnmpCredentialFactory().reveal("username")


def test_a_customer_has_at_most_one_default_profile(db) -> None:
    first = f.PollProfileFactory(is_default=True)
    f.PollProfileFactory(customer=first.customer)  # non-default ones are fine
    f.PollProfileFactory(is_default=True)  # another customer's default too
    with pytest.raises(IntegrityError), transaction.atomic():
        PollProfile.objects.create(customer=first.customer, name="second", is_default=True)


def test_a_device_is_never_its_own_parent(db) -> None:
    device = f.DeviceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceParent.objects.create(customer=device.customer, device=device, parent=device)


def test_manual_parents_replace_lldp_neighbours(db) -> None:
    """given a—b—c linked by LLDP and b's parent named as a / then b has only a; a and c keep
    their neighbours."""
    a = f.DeviceFactory()
    b, c = f.DeviceFactory(customer=a.customer), f.DeviceFactory(customer=a.customer)
    for local, remote in ((a, b), (b, c)):
        TopologyLink.objects.create(
            customer=a.customer,
            local_device=local,
            local_interface="e0",
            remote_device=remote,
            remote_name=remote.hostname,
            protocol="lldp",
            last_seen_at=local.created_at,
        )
    DeviceParent.objects.create(customer=a.customer, device=b, parent=a)
    assert parents_of(a.customer_id) == {a.pk: {b.pk}, b.pk: {a.pk}, c.pk: {b.pk}}


def _link(local, remote) -> None:
    TopologyLink.objects.create(
        customer=local.customer,
        local_device=local,
        local_interface=f"e{remote.pk}",
        remote_device=remote,
        remote_name=remote.hostname,
        protocol="lldp",
        last_seen_at=local.created_at,
    )


def test_lldp_links_point_away_from_the_core_with_redundant_uplinks(db) -> None:
    """given core—d1, core—d2, d1—d2, d1—acc, d2—acc (acc dual-homed) and an island x—y with
    no core / then the distributions' parent is the core, acc has both, d1 and d2 are not each
    other's parents, the core has none; the island keeps every neighbour."""
    core = f.DeviceFactory(role="core")
    d1, d2, acc, x, y = (f.DeviceFactory(customer=core.customer) for _ in range(5))
    for local, remote in ((core, d1), (core, d2), (d1, d2), (d1, acc), (acc, d2), (x, y)):
        _link(local, remote)
    assert parents_of(core.customer_id) == {
        d1.pk: {core.pk},
        d2.pk: {core.pk},
        acc.pk: {d1.pk, d2.pk},
        x.pk: {y.pk},
        y.pk: {x.pk},
    }
