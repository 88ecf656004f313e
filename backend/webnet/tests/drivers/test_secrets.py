"""Credentials never reach an exception message, a traceback, a repr or a log record."""

from __future__ import annotations

import logging
import traceback

import pytest

from webnet.drivers import ConnectParams, DriverError, Timeouts, open_session
from webnet.drivers.errors import CommandRejected, redact
from webnet.tests.conftest import CANARY

from .labkit import params_for


def leaks(err: BaseException, secret: str) -> list[str]:
    text = "".join(traceback.format_exception(err))
    found = [where for where, value in (("str", str(err)), ("traceback", text)) if secret in value]
    found += [f"attr {k}" for k, v in vars(err).items() if isinstance(v, str) and secret in v]
    return found


@pytest.mark.parametrize(
    ("hostname", "overrides"),
    [
        ("R7", {}),  # auth failure
        ("R1", {"enable_secret": CANARY + "-enable"}),  # enable failure
        ("R8", {"timeouts": Timeouts(connect=0.3, auth=3, command=3)}),  # connect timeout
        ("R10", {}),  # disconnect mid-output
        ("R11", {}),  # garbage output
        ("R17", {"host_key_policy": "strict"}),  # unknown host key
    ],
)
async def test_errors_carry_no_secret(lab, caplog, hostname, overrides):
    # given the canary as password and enable secret
    values = {"password": CANARY, "enable_secret": CANARY, **overrides}
    if hostname != "R7":  # the lab only accepts its own password
        values["password"] = lab.device(hostname).password
        values.setdefault("private_key", None)
    params = params_for(lab, hostname, **values)
    caplog.set_level(logging.DEBUG)
    # when the session fails
    with pytest.raises(DriverError) as caught:
        async with open_session(params) as session:
            await session.get_running_config()
    # then neither the error nor any log record holds a secret
    for secret in (CANARY, CANARY + "-enable"):
        assert not leaks(caught.value, secret)
        assert secret not in caplog.text


async def test_device_output_echoing_a_secret_is_redacted(lab):
    # given a config line that carries the session's own secret and is rejected
    params = params_for(lab, "R1", enable_secret=lab.device("R1").enable_secret)
    async with open_session(params) as session:
        secret = params.enable_secret
        assert secret
        with pytest.raises(CommandRejected) as caught:
            await session.send_config([f"bogus-command {secret}"])
    assert secret not in str(caught.value)
    assert secret not in caught.value.output


def test_params_repr_hides_secrets():
    params = ConnectParams(
        host="h",
        platform="cisco_ios",
        username="u",
        password=CANARY,
        enable_secret=CANARY,
        private_key=CANARY,
    )
    assert CANARY not in repr(params)
    assert CANARY not in str(params)


def test_redact_replaces_every_secret():
    assert redact("a pw b pwlong c", ["pw", "pwlong", None, ""]) == "a *** b *** c"
