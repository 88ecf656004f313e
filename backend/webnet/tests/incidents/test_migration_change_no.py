"""Messages changed before the change counter existed get distinct numbers in each room."""

import pytest

from webnet.tests.locations.test_migration import _migrate, executor_leaf_nodes

BEFORE = [("incidents", "0004_s5_attachment_thumbnail")]
AFTER = [("incidents", "0005_t2_message_change_no")]


@pytest.mark.django_db(transaction=True)
def test_past_changes_are_numbered_per_room_in_the_order_of_their_old_stamp() -> None:
    # given two rooms whose messages were changed under the old stamp (one stamp shared)
    old = _migrate(BEFORE)
    customer = old.get_model("customers", "Customer").objects.create(name="A", slug="a")
    room_model, message_model = (old.get_model("incidents", n) for n in ("Room", "Message"))
    stamps = {"noc": [0, 3, 3, 2], "ops": [2]}  # message seq 1, 2, ... → its changed_seq
    for name, changed in stamps.items():
        room = room_model.objects.create(
            customer=customer, kind="team", name=name, last_seq=len(changed)
        )
        for seq, changed_seq in enumerate(changed, start=1):
            message_model.objects.create(
                customer=customer, room=room, seq=seq, changed_seq=changed_seq
            )
    # when it runs
    new = _migrate(AFTER)
    messages = new.get_model("incidents", "Message").objects
    # then each room counts its changes and each changed message has a number of its own
    numbered = sorted(messages.values_list("room__name", "seq", "change_no"))
    assert numbered == [
        ("noc", 1, 0),
        ("noc", 2, 2),
        ("noc", 3, 3),
        ("noc", 4, 1),
        ("ops", 1, 1),
    ]
    counts = new.get_model("incidents", "Room").objects.values_list("name", "last_change")
    assert sorted(counts) == [("noc", 3), ("ops", 1)]
    _migrate(executor_leaf_nodes())
