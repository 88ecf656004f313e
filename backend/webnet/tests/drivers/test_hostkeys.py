"""Host key policy: strict, trust-on-first-use, disabled; a refused key means no credential
was sent (the lab's SSH server never saw a userauth request)."""

from __future__ import annotations

import asyncssh
import pytest

from webnet.drivers import DriverError, HostKeyMismatch, HostKeyUnknown, open_session

from .labkit import params_for


def random_key(alg: str = "ssh-ed25519") -> str:
    key = asyncssh.generate_private_key(alg)
    return key.export_public_key("openssh").decode().strip()


async def first_use_key(lab, hostname: str) -> str:  # type: ignore[no-untyped-def]
    async with open_session(params_for(lab, hostname, host_key_policy="tofu")) as session:
        assert session.host_key_trust == "first_use"
        assert session.host_key is not None
        return session.host_key.openssh


async def test_tofu_reports_the_key_then_recognises_it(lab):
    # given nothing known about the device: TOFU accepts and reports the key
    async with open_session(params_for(lab, "R17", host_key_policy="tofu")) as session:
        key = session.host_key
        assert session.host_key_trust == "first_use"
    assert key is not None
    assert key.fingerprint.startswith("SHA256:")
    assert key.openssh.startswith(key.algorithm + " ")
    # when the stored key is given back, the device is recognised
    params = params_for(lab, "R17", host_key_policy="tofu", known_host_keys=[key.openssh])
    async with open_session(params) as session:
        assert session.host_key_trust == "known"
        assert session.host_key == key


async def test_strict_with_the_known_key_connects(lab):
    known = await first_use_key(lab, "R18")
    params = params_for(lab, "R18", host_key_policy="strict", known_host_keys=[known])
    async with open_session(params) as session:
        assert session.host_key_trust == "known"


@pytest.mark.parametrize("policy", ["strict", "tofu"])
async def test_mismatch_refuses_before_any_credential(lab, auth_log, policy):
    # given a different key on record than the device presents
    before = len(auth_log.for_host("R18"))
    params = params_for(lab, "R18", host_key_policy=policy, known_host_keys=[random_key()])
    # when connecting
    with pytest.raises(HostKeyMismatch) as caught:
        await open_session(params).open()
    # then it is a host key mismatch with the presented key for an admin to review
    assert caught.value.code == "host_key_mismatch"
    assert caught.value.presented.fingerprint in caught.value.message
    # and the device never saw an authentication request
    assert len(auth_log.for_host("R18")) == before


async def test_strict_without_known_key_refuses_before_any_credential(lab, auth_log):
    before = len(auth_log.for_host("R17"))
    with pytest.raises(HostKeyUnknown) as caught:
        await open_session(params_for(lab, "R17", host_key_policy="strict")).open()
    assert caught.value.code == "host_key_unknown"
    assert caught.value.presented is not None
    assert len(auth_log.for_host("R17")) == before


async def test_known_key_of_another_type_is_a_mismatch(lab, auth_log):
    # given only an RSA key on record, while the device serves ed25519/ecdsa keys
    before = len(auth_log.for_host("R18"))
    params = params_for(
        lab, "R18", host_key_policy="strict", known_host_keys=[random_key("ssh-rsa")]
    )
    with pytest.raises(DriverError) as caught:
        await open_session(params).open()
    # (if the server's disconnect overtakes its KEXINIT the client sees the handshake cut short)
    assert caught.value.code in ("host_key_mismatch", "connection_lost")
    assert len(auth_log.for_host("R18")) == before


async def test_changed_host_key_is_detected(lab, auth_log):
    # given the fleet key on record for a device whose key was regenerated
    fleet_key = await first_use_key(lab, "R17")
    before = len(auth_log.for_host("R14"))
    params = params_for(lab, "R14", host_key_policy="tofu", known_host_keys=[fleet_key])
    with pytest.raises(HostKeyMismatch):
        await open_session(params).open()
    assert len(auth_log.for_host("R14")) == before


async def test_disabled_policy_accepts_any_key_and_still_reports_it(lab):
    params = params_for(lab, "R17", host_key_policy="disabled", known_host_keys=[random_key()])
    async with open_session(params) as session:
        assert session.host_key_trust == "disabled"
        assert session.host_key is not None


async def test_bad_known_key_or_policy_is_invalid_params(lab):
    for overrides in ({"known_host_keys": ["ssh-ed25519 !!!notbase64"]}, {"host_key_policy": "x"}):
        with pytest.raises(Exception) as caught:
            await open_session(params_for(lab, "R17", **overrides)).open()
        assert caught.value.code == "invalid_params"
