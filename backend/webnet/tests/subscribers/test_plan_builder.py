"""The pure provisioning plan builder: states, RADIUS rows, CoA, device lines, hashes."""

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webnet.subscribers import plan_builder as pb

PLAN = pb.PlanFacts(name="100M", down_kbps=100_000, up_kbps=20_000, ip_pool="pool-a")
SERVICE = pb.ServiceFacts(
    service_id=1,
    account_number="A-1",
    device_id=7,
    plan=PLAN,
    status="active",
    login="alice",
    password_rev="r1",
    port="ge-0/0/1",
    vlan=120,
)


def fake_render(body: str, context: dict[str, Any]) -> str:
    return body.format(**context["service"])


def build(service: pb.ServiceFacts, transition: str, templates: list[str] | None = None) -> Any:
    return pb.build(service, transition, templates=templates or [], render=fake_render)


def attrs(rows: list[dict[str, str]]) -> dict[str, str]:
    return {row["attribute"]: row["value"] for row in rows}


def test_given_an_active_service_when_suspended_by_throttle_then_rows_and_coa_carry_the_floor():
    body, _ = build(SERVICE, "suspend")
    assert body["status"] == "suspended"
    assert attrs(body["radius"]["reply"])["Mikrotik-Rate-Limit"] == "256k/256k"
    assert body["session"] == {
        "action": "coa",
        "attributes": [{"attribute": "Mikrotik-Rate-Limit", "op": ":=", "value": "256k/256k"}],
    }


def test_block_rejects_and_disconnects_redirect_sets_the_walled_garden():
    blocked, _ = build(replace(SERVICE, plan=replace(PLAN, suspend_strategy="block")), "suspend")
    assert attrs(blocked["radius"]["check"])["Auth-Type"] == "Reject"
    assert blocked["session"] == {"action": "disconnect"}
    redirected, _ = build(
        replace(SERVICE, plan=replace(PLAN, suspend_strategy="redirect")), "suspend"
    )
    assert attrs(redirected["radius"]["reply"])["Filter-Id"] == "walled-garden"
    assert attrs(redirected["session"]["attributes"])["Mikrotik-Rate-Limit"] == "20000k/100000k"


def test_the_password_never_enters_the_body_but_its_revision_changes_the_hash():
    body, first = build(SERVICE, "restore")
    assert attrs(body["radius"]["check"])["Cleartext-Password"] == pb.PASSWORD_PLACEHOLDER
    _, second = build(replace(SERVICE, password_rev="r2"), "restore")
    assert first != second


def test_activation_sends_nothing_to_a_session_and_termination_removes_and_disconnects():
    body, _ = build(replace(SERVICE, status="pending"), "activate")
    assert body["session"] is None and body["radius"]["check"]
    gone, _ = build(SERVICE, "terminate")
    assert gone["radius"] == {"login": "alice", "remove": True}
    assert gone["session"] == {"action": "disconnect"}


def test_impossible_transitions_are_refused():
    with pytest.raises(pb.TransitionError, match="a pending service cannot suspend"):
        build(replace(SERVICE, status="pending"), "suspend")
    with pytest.raises(pb.TransitionError):
        build(replace(SERVICE, status="terminated"), "restore")


def test_device_lines_render_the_service_as_it_will_be():
    body, _ = build(SERVICE, "suspend", ["interface {port}\n rate {down_kbps} vlan {vlan}\n"])
    assert body["device"] == {"device": 7, "lines": ["interface ge-0/0/1", " rate 256 vlan 120"]}
    assert build(SERVICE, "suspend")[0]["device"] is None


statuses = st.sampled_from(["pending", "active", "suspended", "terminated"])
strategies = st.sampled_from(["block", "redirect", "throttle"])


@given(status=statuses, strategy=strategies, floor=st.integers(min_value=-5, max_value=10_000))
def test_a_transition_rerun_from_its_own_result_hashes_the_same(status, strategy, floor):
    service = replace(
        SERVICE, status=status, plan=replace(PLAN, suspend_strategy=strategy, throttle_kbps=floor)
    )
    for transition in pb.TRANSITIONS:
        try:
            body, digest = build(service, transition)
        except pb.TransitionError:
            continue
        again, same = build(replace(service, status=body["status"]), transition)
        assert same == digest
        for row in (again["radius"] or {}).get("reply", []):
            if row["attribute"] == "Mikrotik-Rate-Limit":
                up, down = row["value"].split("/")
                assert int(up[:-1]) > 0 and int(down[:-1]) > 0  # never throttled to 0


def test_reprovision_renames_the_login_and_disconnects_the_old_one_only_on_a_rename():
    body, digest = build(replace(SERVICE, login="alice.b", previous_login="alice"), "reprovision")
    assert body["radius"]["login"] == "alice.b" and body["replaces_login"] == "alice"
    assert body["session"] == {"action": "disconnect", "login": "alice"}
    assert body["status"] == SERVICE.status
    same, same_digest = build(replace(SERVICE, login="alice.b"), "reprovision")
    assert same["session"] is None and same["replaces_login"] == "" and same_digest == digest
    with pytest.raises(pb.TransitionError):
        build(replace(SERVICE, status="pending"), "reprovision")
