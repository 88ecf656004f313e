"""Sessions end to end: the lab BNG logs a subscriber in through the real FreeRADIUS, webnet sees
the session in radacct, changes its rate by CoA (ACK, then NAKs), disconnects it; an
Accounting-On from the NAS closes what it held; a NAS that does not answer is a timeout."""

import time
from collections.abc import Iterator

import pytest

from webnet.aaa import coa, provisioning, sessions
from webnet.aaa.models import CoaAttempt, RadAcct
from webnet.tests import factories
from webnet.tests.aaa.bng import ThreadedBng
from webnet.tests.aaa.conftest import free_udp_port, start_bng

BNG_ADDRESS = "127.0.0.7"
SECRET = factories.CANARY  # the suite's guard fails the test if it shows up in logs or audit


@pytest.fixture
def live(world, freeradius, settings) -> Iterator[ThreadedBng]:  # type: ignore[no-untyped-def]
    settings.WEBNET_RADIUS_COA_TIMEOUT = 0.3
    coa_port = free_udp_port()
    factories.NasFactory(customer=world.a, nasname=BNG_ADDRESS, secret=SECRET, coa_port=coa_port)
    for user in ("alice", "bob"):
        provisioning.apply_user(
            world.a,
            user,
            check=[("Cleartext-Password", ":=", f"{user}-pw")],
            reply=[("Mikrotik-Rate-Limit", "=", "10M/10M")],
            groups=[],
        )
    bng = start_bng(freeradius(), BNG_ADDRESS, coa_port)
    yield bng
    bng.close()


def _closed(row, seconds: float = 10.0):
    """The row once FreeRADIUS has stored its stop (or as it is after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        row.refresh_from_db()
        if row.acctstoptime is not None or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def test_coa_and_disconnect_against_the_lab_bng(world, live):
    # given: alice logs in at the BNG; FreeRADIUS opens her session in A's radacct
    session = live.call(live.bng.connect("alice", "alice-pw"))
    assert session.rate == "10M/10M"
    row = sessions.online().for_customer(world.a).get(username="alice")
    assert row.acctsessionid == session.session_id and row.nasipaddress == BNG_ADDRESS
    # when: webnet throttles her by CoA
    outcome = coa.change_session(row, {"Mikrotik-Rate-Limit": "2M/2M"})
    # then: ACKed once, applied, and reported in the next interim
    assert (outcome.outcome, outcome.tries, outcome.error_cause) == ("ack", 1, None)
    live.call(live.bng.interim())
    assert "rate=2M/2M" in live.bng.status()
    row.refresh_from_db()
    assert row.acctupdatetime is not None and row.acctoutputoctets > 0
    # when: an attribute the BNG cannot change, and a session it does not hold
    unsupported = coa.change_session(row, {"Framed-IP-Address": "10.0.0.1"})
    ghost = factories.RadAcctFactory(customer=world.a, nasipaddress=BNG_ADDRESS)
    missing = coa.change_session(ghost, {"Mikrotik-Rate-Limit": "1M/1M"})
    # then: NAKs with their Error-Cause, stored
    assert (unsupported.outcome, unsupported.error_cause) == ("nak", 401)
    assert (missing.outcome, missing.error_cause) == ("nak", 503)
    # when: webnet disconnects her
    ended = coa.disconnect(row)
    # then: ACK, and the session closes on the BNG's Accounting-Stop (not on the ACK)
    assert ended.outcome == "ack"
    row = _closed(row)  # the BNG sends its Accounting-Stop after the ACK, in its own task
    assert row.acctstoptime is not None and row.acctterminatecause == "Admin-Reset"
    assert CoaAttempt.objects.for_customer(world.a).count() == 4


def test_accounting_on_closes_the_nas_sessions_and_silence_is_a_timeout(world, live):
    # given
    live.call(live.bng.connect("bob", "bob-pw"))
    row = sessions.online().for_customer(world.a).get(username="bob")
    # when: the BNG reboots
    live.call(live.bng.reboot())
    # then
    row.refresh_from_db()
    assert row.acctstoptime is not None and row.acctterminatecause == "NAS-Reboot"
    # when: its CoA listener is gone
    live.call(live.bng.stop())
    outcome = coa.change_session(row, {"Mikrotik-Rate-Limit": "1M/1M"})
    # then: bounded retries, then a recorded timeout
    assert (outcome.outcome, outcome.tries) == ("timeout", 3)
    assert RadAcct.objects.filter(username="bob").count() == 1
