"""Pure parts: prompt patterns per platform, output cleaning, rejection patterns."""

from __future__ import annotations

import pytest

from webnet.drivers import ProtocolError, get_platform
from webnet.drivers.output import clean_output
from webnet.drivers.platforms import PASSWORD_PROMPT


@pytest.mark.parametrize(
    ("platform", "line", "base", "config"),
    [
        ("cisco_ios", b"R1>", b"R1", False),
        ("cisco_ios", b"core-sw.1#", b"core-sw.1", False),
        ("cisco_ios", b"R1(config-if)#", b"R1", True),
        ("arista_eos", b"R3(config-s-sess-if-Et1)#", b"R3", True),
        ("cisco_iosxr", b"RP/0/RP0/CPU0:R5(config)#", b"RP/0/RP0/CPU0:R5", True),
        ("cisco_nxos", b"N9K-1# ", b"N9K-1", False),
        ("juniper_junos", b"admin@R4> ", b"admin@R4", False),
        ("juniper_junos", b"admin@R4# ", b"admin@R4", True),
    ],
)
def test_prompt_patterns(platform, line, base, config):
    p = get_platform(platform)
    match = p.prompt.fullmatch(line)
    assert match is not None
    assert match["base"] == base
    assert p.in_config_mode(match["mode"], match["term"]) is config


@pytest.mark.parametrize(
    "line",
    [b" transport input ssh", b"interface Gi0/1", b"set system host-name R1", b"Password: "],
)
def test_output_lines_are_not_prompts(line):
    for name in ("cisco_ios", "juniper_junos"):
        assert get_platform(name).prompt.fullmatch(line) is None


def test_password_prompt():
    assert PASSWORD_PROMPT.fullmatch(b"Password: ")
    assert PASSWORD_PROMPT.fullmatch(b"Enable password:")


def test_clean_output_strips_echo_prompt_and_cr():
    raw = b"show clock\r\n10:00:00 UTC\r\nline two\r\nR1#"
    assert clean_output(raw, "show clock") == "10:00:00 UTC\nline two"


def test_clean_output_without_echo_keeps_first_line():
    assert clean_output(b"output\r\nR1#", "show x") == "output"


def test_clean_output_empty():
    assert clean_output(b"terminal length 0\r\nR1#", "terminal length 0") == ""
    assert clean_output(b"R1#", "x") == ""


def test_clean_output_strips_ansi_sequences_but_rejects_garbage():
    assert clean_output(b"cmd\r\n\x1b[1mbold\x1b[0m\r\nR1#", "cmd") == "bold"
    with pytest.raises(ProtocolError):
        clean_output(b"cmd\r\nok\x00junk\r\nR1#", "cmd")
    with pytest.raises(ProtocolError):
        clean_output(b"cmd\r\nbad \xff\xfe utf8\r\nR1#", "cmd")


def test_clean_output_removes_pager_leftovers():
    erase = b"\x08" * 10 + b" " * 10 + b"\x08" * 10
    raw = b"cmd\r\na\r\n --More-- " + erase + b"b\r\nR1#"
    assert clean_output(raw, "cmd", pager_seen=True) == "a\nb"


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        ("cisco_ios", "      ^\n% Invalid input detected at '^' marker."),
        ("cisco_ios", "% Incomplete command."),
        ("cisco_nxos", "% Invalid command at '^' marker."),
        ("arista_eos", "% Invalid input (at token 1: 'x')"),
        ("cisco_iosxr", "% Failed to commit one or more configuration items"),
        ("juniper_junos", "        ^\nsyntax error, expecting <command>."),
        ("juniper_junos", "unknown command."),
        ("juniper_junos", "error: commit failed: (statements constraint check failed)"),
    ],
)
def test_rejections(platform, text):
    assert get_platform(platform).errors.search(text)


def test_unknown_platform():
    with pytest.raises(Exception) as caught:
        get_platform("vyos")
    assert caught.value.code == "invalid_params"
    assert get_platform("eos").name == "arista_eos"
