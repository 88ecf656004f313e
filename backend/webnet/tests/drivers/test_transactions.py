"""Transactional changes: EOS configure sessions, Junos commit confirmed, confirm and rollback."""

from __future__ import annotations

import asyncio

import pytest

from webnet.drivers import CommandRejected, InvalidParams, open_session

from .labkit import params_for
from .test_platforms import CLEAN


async def test_eos_session_commits_atomically(lab) -> None:
    async with open_session(params_for(lab, CLEAN["arista_eos"])) as session:
        await session.send_config(["snmp-server location session-ok"], session_name="webnet-1")
        assert "snmp-server location session-ok" in await session.get_running_config()


async def test_eos_session_rejected_line_changes_nothing(lab) -> None:
    async with open_session(params_for(lab, CLEAN["arista_eos"])) as session:
        with pytest.raises(CommandRejected):
            await session.send_config(
                ["snmp-server location half-done", "bogus-keyword 1"], session_name="webnet-2"
            )
        assert "half-done" not in await session.get_running_config()
        assert session.prompt.endswith("#") and "(config" not in session.prompt


async def test_junos_commit_confirmed_then_confirm_keeps_the_change(lab) -> None:
    async with open_session(params_for(lab, CLEAN["juniper_junos"])) as session:
        await session.send_config(['set system location building "kept"'], confirm_minutes=1)
        await session.confirm_commit()
        await asyncio.sleep(0.8)  # the lab's minute is 0.5 s
        assert 'building "kept"' in await session.get_running_config()


async def test_junos_commit_confirmed_rolls_back_unless_confirmed(lab) -> None:
    async with open_session(params_for(lab, CLEAN["juniper_junos"])) as session:
        await session.send_config(['set system location building "lost"'], confirm_minutes=1)
        assert 'building "lost"' in await session.get_running_config()
        await asyncio.sleep(0.8)
        assert 'building "lost"' not in await session.get_running_config()


async def test_junos_rollback_returns_to_previous_commit(lab) -> None:
    async with open_session(params_for(lab, CLEAN["juniper_junos"])) as session:
        await session.send_config(['set system location building "undo-me"'])
        await session.rollback_config(1)
        assert 'building "undo-me"' not in await session.get_running_config()


async def test_rollback_is_refused_where_there_is_no_commit_history(lab) -> None:
    async with open_session(params_for(lab, CLEAN["cisco_ios"])) as session:
        with pytest.raises(InvalidParams):
            await session.rollback_config(1)
