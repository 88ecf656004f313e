"""Prompts the platform rows must recognise, presented by the lab over real SSH."""

from __future__ import annotations

import pytest

from webnet.drivers import open_session
from webnet.lab import Fleet, LabServer

from .labkit import params_for


@pytest.mark.parametrize(
    ("style", "prompt"),
    [("hostname", "R1>"), ("root", "root>")],
)
async def test_junos_prompt_without_user_at(style: str, prompt: str) -> None:
    # given a Junos device whose prompt has no `user@` (as netmiko also accepts)
    fleet = Fleet.generate(
        count=1, platforms="juniper_junos", seed=7, faults=[f"R1=prompt:{style}"]
    )
    async with LabServer(fleet) as lab, open_session(params_for(lab, "R1")) as session:
        # then the session logs in and learns that prompt
        assert session.prompt == prompt
        # and commands, configuration mode and the read-back all work behind it
        version = await session.send_command("show version")
        assert "Junos:" in version.output and prompt not in version.output
        await session.send_config(['set system location building "bare"'])
        assert 'building "bare"' in await session.get_running_config()
        assert session.prompt == prompt
