"""The roll-up is a plain function: any source of states (and severity order) can feed it."""

from webnet.locations.rollup import Placement, build_tree

SEVERITY = {"up": 0, "degraded": 1, "down": 2}


def test_counts_and_worst_state_roll_up_and_unseen_parents_make_roots() -> None:
    roots = build_tree(
        regions=[(1, "EU", None), (2, "NL", 1)],
        sites=[(10, "AMS1", 2), (11, "LON1", 99)],  # region 99 is outside the reader's scope
        locations=[(100, "hall", 10, None), (101, "room", 10, 100)],
        placements=[
            Placement(10, 101, "up"),
            Placement(10, None, "degraded"),
            Placement(11, None, "down"),
            Placement(None, None, "down"),  # nowhere: counted nowhere
        ],
        severity=SEVERITY,
    )
    eu, lon = roots
    assert (eu.key, eu.device_count, eu.worst) == ("region:1", 2, "degraded")
    ams = eu.children[0].children[0]
    assert (ams.name, ams.device_count) == ("AMS1", 2)
    hall = ams.children[0]
    assert (hall.device_count, hall.worst, hall.children[0].worst) == (1, "up", "up")
    assert (lon.key, lon.worst) == ("site:11", "down")
