"""compliance: evaluate each device's applicable policies on its latest snapshot (or fresh)."""

import asyncio
from typing import Any

from django.core.exceptions import ValidationError

from webnet.compliance import configtree
from webnet.compliance.evaluator import RuleSpec, apply_waivers, evaluate_rule, score
from webnet.compliance.runs import finish_run, needs_running_config, prepare, store_results
from webnet.jobs.registry import DeviceContext, DeviceOutcome, Kind, per_device, register


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - {"policies", "fresh"})
    if unknown:
        raise ValidationError({"params": f"unknown parameter(s): {', '.join(unknown)}"})
    policies = params.get("policies") or []
    if not isinstance(policies, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in policies
    ):
        raise ValidationError({"policies": "a list of policy ids"})
    fresh = params.get("fresh", False)
    if not isinstance(fresh, bool):
        raise ValidationError({"fresh": "true or false"})
    return {"policies": policies, "fresh": fresh}


def _evaluate(config: str, platform: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    tree = configtree.parse(config, platform)  # once per device, whatever the number of policies
    waivers = {int(rule_id): reason for rule_id, reason in inputs["waivers"].items()}
    for policy in inputs["policies"]:
        specs = [
            RuleSpec(r["name"], r["kind"], r["parameters"], r["severity"], r["context"])
            for r in policy["rules"]
        ]
        ids = {r["name"]: r["id"] for r in policy["rules"]}
        waived = {name: waivers[rule_id] for name, rule_id in ids.items() if rule_id in waivers}
        results = [evaluate_rule(spec, tree, platform) for spec in specs]
        for result in apply_waivers(results, waived):
            rows.append(
                {
                    "policy": policy["id"],
                    "rule": ids[result.rule],
                    "rule_name": result.rule,
                    "severity": result.severity,
                    "status": result.status,
                    "message": result.message,
                    "details": result.details,
                }
            )
    return rows


async def check(ctx: DeviceContext) -> DeviceOutcome:
    """Handler (no ORM: `prepare` gave it plain data in the database thread)."""
    inputs = ctx.inputs
    if not inputs or not inputs["policies"]:
        ctx.log("no enabled policy applies to this device")
        return DeviceOutcome(data={"results": [], "source": "none", "score": None})
    snapshot = inputs["snapshot"]
    if snapshot is None:
        config, source = await ctx.session.get_running_config(), "running"
    else:
        config, source = snapshot["text"], f"snapshot {snapshot['id']}"
    # CPU work off the event loop, so other devices' sessions keep flowing meanwhile.
    rows = await asyncio.to_thread(_evaluate, config, ctx.target.platform, inputs)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    device_score = score(row["status"] for row in rows)
    ctx.log(f"{len(rows)} rule(s) on {source}: {counts}, score {device_score}")
    return DeviceOutcome(
        data={"results": rows, "source": source, "counts": counts, "score": device_score}
    )


register(
    Kind(
        name="compliance.check",
        label="Compliance check",
        handler=check,
        clean_params=clean_params,
        prepare=prepare,
        needs_session=needs_running_config,
        persist=per_device(store_results),
        on_finish=finish_run,
        description="Evaluate compliance policies against each device's latest snapshot "
        "(or its running configuration when fresh or never backed up).",
    )
)
