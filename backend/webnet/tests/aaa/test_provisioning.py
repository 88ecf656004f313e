"""aaa.provisioning: one user's RADIUS rows replaced as a whole, inside one customer."""

import pytest

from webnet.aaa import provisioning
from webnet.aaa.models import RadCheck, RadReply

pytestmark = pytest.mark.django_db

CHECK = [("Cleartext-Password", ":=", "s3cret")]
REPLY = [("Mikrotik-Rate-Limit", "=", "10M/10M")]


def test_apply_writes_rows_and_actual_matches_desired(world):
    # when
    provisioning.apply_user(world.a, "alice", check=CHECK, reply=REPLY, groups=["gold", "all"])
    # then
    wanted = provisioning.desired_rows(check=CHECK, reply=REPLY, groups=["gold", "all"])
    assert provisioning.actual_rows(world.a, "alice") == wanted
    assert provisioning.actual_rows(world.b, "alice").empty


def test_reapplying_the_same_rows_writes_nothing(world, django_assert_num_queries):
    provisioning.apply_user(world.a, "alice", check=CHECK, reply=REPLY, groups=["gold"])
    ids = list(RadCheck.objects.values_list("id", flat=True))
    # when: a re-run reads (3 selects) inside its savepoint, and writes nothing
    with django_assert_num_queries(5):
        provisioning.apply_user(world.a, "alice", check=CHECK, reply=REPLY, groups=["gold"])
    # then
    assert list(RadCheck.objects.values_list("id", flat=True)) == ids


def test_apply_replaces_and_remove_leaves_other_customers_user(world):
    # given: both customers have an alice
    provisioning.apply_user(world.a, "alice", check=CHECK, reply=REPLY, groups=[])
    provisioning.apply_user(world.b, "alice", check=CHECK, reply=REPLY, groups=[])
    # when
    slow = [("Mikrotik-Rate-Limit", "=", "256k/256k")]
    provisioning.apply_user(world.a, "alice", check=CHECK, reply=slow, groups=[])
    # then
    assert provisioning.actual_rows(world.a, "alice").reply == frozenset(slow)
    assert provisioning.actual_rows(world.b, "alice").reply == frozenset(REPLY)
    # when
    provisioning.remove_user(world.a, "alice")
    # then
    assert provisioning.actual_rows(world.a, "alice").empty
    assert RadReply.objects.for_customer(world.b).count() == 1
