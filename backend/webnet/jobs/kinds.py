"""commands.run: send show commands, optionally parse them into structured records."""

from typing import Any

from django.core.exceptions import ValidationError

from webnet.jobs import readonly
from webnet.jobs.parsing import ParseFailed, parse
from webnet.jobs.registry import DeviceOutcome, Kind, register

MAX_COMMANDS = 50
# Commands that change the device belong to deploy jobs, which preview and confirm first.
DEPLOY_HINT = "configuration changes go through deploy"


def _lines(commands: Any) -> list[str]:
    """Every line of every item: one item may not smuggle more lines past the check."""
    if isinstance(commands, str):
        commands = [commands]
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        raise ValidationError({"commands": "a list of commands is required"})
    return [line.strip() for item in commands for line in item.splitlines() if line.strip()]


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    commands = _lines(params.get("commands"))
    if not commands:
        raise ValidationError({"commands": "give at least one command"})
    if len(commands) > MAX_COMMANDS:
        raise ValidationError({"commands": f"at most {MAX_COMMANDS} commands"})
    refused = readonly.refused_everywhere(commands)
    if refused:
        raise ValidationError({"commands": f"{refused}; {DEPLOY_HINT}"})
    unknown = sorted(set(params) - {"commands", "parse"})
    if unknown:
        raise ValidationError({"params": f"unknown parameter(s): {', '.join(unknown)}"})
    return {"commands": commands, "parse": bool(params.get("parse", False))}


def check_platforms(params: dict[str, Any], platforms: set[str]) -> None:
    refused = readonly.first_refused(platforms, params["commands"])
    if refused:
        raise ValidationError({"commands": f"{refused}; {DEPLOY_HINT}"})


async def run_commands(ctx: Any) -> DeviceOutcome:
    # Checked again per device: its platform may have changed since the job was created.
    refused = readonly.first_refused({ctx.target.platform}, ctx.params["commands"])
    if refused:
        return DeviceOutcome.failure("command_rejected", refused)
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
        name="commands.run",
        label="Run commands",
        handler=run_commands,
        clean_params=clean_params,
        check_platforms=check_platforms,
        description="Run read-only commands; optionally parse output with ntc-templates.",
    )
)
