"""The lab BNG's CoA listener, with radclient (freeradius-utils) as the independent client."""

import asyncio
import subprocess

from webnet.lab.__main__ import build_parser
from webnet.lab.bng import Bng, BngOptions, Session, run

SECRET = "coa-secret-1"


def _radclient(port: int, kind: str, attributes: str, secret: str = SECRET) -> str:
    done = subprocess.run(
        ["radclient", "-x", "-r", "1", "-t", "1", f"127.0.0.1:{port}", kind, secret],
        input=attributes,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return done.stdout + done.stderr


async def _scenario() -> tuple[list[str], Bng]:
    bng = Bng(BngOptions(address="127.0.0.1", secret=SECRET, coa_port=0))
    await bng.start()
    bng.sessions["s-1"] = Session("alice", "s-1", "100.64.0.2", "10M/10M")
    signed = 'Acct-Session-Id = "s-1", Mikrotik-Rate-Limit = "2M/2M", Message-Authenticator = 0x00'
    bare = 'Acct-Session-Id = "s-1", Mikrotik-Rate-Limit = "1M/1M"'
    unknown = 'Acct-Session-Id = "s-9", Message-Authenticator = 0x00'
    runs = [
        (signed, SECRET, "coa"),
        (bare, SECRET, "coa"),
        (signed.replace("2M/2M", "3M/3M"), "wrong-secret", "coa"),
        (unknown, SECRET, "disconnect"),
        ('Acct-Session-Id = "s-1", Message-Authenticator = 0x00', SECRET, "disconnect"),
    ]
    outputs = []
    for attributes, secret, kind in runs:
        outputs.append(
            await asyncio.to_thread(_radclient, bng.coa_port, kind, attributes + "\n", secret)
        )
    await bng.stop()
    return outputs, bng


def test_bng_answers_radclient_coa_and_disconnect():
    # when
    (ack, bare, forged, nak, bye), bng = asyncio.run(_scenario())
    # then: a signed CoA is ACKed and applied (the status shows the new rate) ...
    assert "Received CoA-ACK" in ack, ack
    # ... one without Message-Authenticator, or with another secret, gets no answer
    assert "CoA-ACK" not in bare and "No reply" in bare, bare
    assert "CoA-ACK" not in forged and "No reply" in forged, forged
    # ... an unknown session is a NAK with Error-Cause Session-Context-Not-Found
    assert "Received Disconnect-NAK" in nak and "Session-Context-Not-Found" in nak, nak
    # ... and a Disconnect ends the session
    assert "Received Disconnect-ACK" in bye, bye
    assert bng.sessions == {}
    assert bng.coa_log[0] == "coa ack s-1 rate=2M/2M"


def test_the_lab_cli_selects_a_bng():
    # given
    argv = ["--bng", "127.0.0.9", "--bng-secret", SECRET, "--bng-radius", "127.0.0.1:1:2"]
    args = build_parser().parse_args([*argv, "--bng-subscriber", "alice:pw", "--bng-interim", "5"])
    # when
    options = run.options(args)
    # then
    assert (options.address, options.auth_port, options.acct_port) == ("127.0.0.9", 1, 2)
    assert (options.secret, options.coa_port) == (SECRET, 3799)
    assert args.bng_subscriber == ["alice:pw"] and args.bng_interim == 5.0
