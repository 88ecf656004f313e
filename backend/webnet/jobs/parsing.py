"""Structured parsing of show output with ntc-templates (TextFSM)."""

from typing import Any

from ntc_templates.parse import parse_output
from textfsm import TextFSMError

from webnet.drivers import get_platform


class ParseFailed(ValueError):
    """The output could not be parsed (no template, or the template rejected the text)."""


class NoTemplate(ParseFailed):
    """ntc-templates has no template for this platform and command."""


def parse(platform: str, command: str, output: str) -> list[dict[str, Any]]:
    try:
        return parse_output(
            platform=get_platform(platform).ntc_platform, command=command, data=output
        )
    except TextFSMError as exc:
        raise ParseFailed(f"{command!r} output did not match its template: {exc}") from exc
    except Exception as exc:  # ntc-templates raises a bare Exception for a missing template
        if "template" in str(exc).lower():
            raise NoTemplate(f"no template for {command!r} on {platform}") from exc
        raise
