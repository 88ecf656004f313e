"""run_commands: send show commands, optionally parse them into structured records."""

from typing import Any

from django.core.exceptions import ValidationError

from webnet.jobs.parsing import ParseFailed, parse
from webnet.jobs.registry import DeviceOutcome, Kind, register

MAX_COMMANDS = 50
# Commands that change the device belong to deploy jobs, which preview and confirm first.
FORBIDDEN_PREFIXES = (
    "conf",
    "configure",
    "copy",
    "write",
    "reload",
    "delete",
    "erase",
    "format",
    "request",
    "commit",
    "rollback",
    "clear",
    "set",
    "no ",
)


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    commands = params.get("commands")
    if isinstance(commands, str):
        commands = commands.splitlines()
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        raise ValidationError({"commands": "a list of commands is required"})
    commands = [c.strip() for c in commands if c.strip()]
    if not commands:
        raise ValidationError({"commands": "give at least one command"})
    if len(commands) > MAX_COMMANDS:
        raise ValidationError({"commands": f"at most {MAX_COMMANDS} commands"})
    refused = [c for c in commands if c.lower().startswith(FORBIDDEN_PREFIXES)]
    if refused:
        raise ValidationError(
            {
                "commands": f"not a read-only command: {refused[0]!r} "
                "(configuration changes go through deploy)"
            }
        )
    unknown = sorted(set(params) - {"commands", "parse"})
    if unknown:
        raise ValidationError({"params": f"unknown parameter(s): {', '.join(unknown)}"})
    return {"commands": commands, "parse": bool(params.get("parse", False))}


async def run_commands(ctx: Any) -> DeviceOutcome:
    results = []
    sections = []
    for command in ctx.params["commands"]:
        result = await ctx.session.send_command(command)
        entry: dict[str, Any] = {"command": command, "output": result.output}
        if ctx.params.get("parse"):
            try:
                entry["parsed"] = parse(ctx.target.platform, command, result.output)
            except ParseFailed as exc:
                entry["parse_error"] = str(exc)
        results.append(entry)
        sections.append(f"{ctx.target.hostname}# {command}\n{result.output}")
        ctx.log(f"{command}: {len(result.output.splitlines())} line(s)")
    return DeviceOutcome(output="\n".join(sections), data={"commands": results})


register(
    Kind(
        name="run_commands",
        label="Run commands",
        handler=run_commands,
        clean_params=clean_params,
        description="Run read-only commands; optionally parse output with ntc-templates.",
    )
)
