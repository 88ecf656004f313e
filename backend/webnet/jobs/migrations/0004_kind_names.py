"""Job kinds are named `<domain>.<verb>`: stored jobs and schedules take the new names."""

from django.db import migrations

RENAMED = {
    "config_backup": "config.backup",
    "deploy_preview": "config.preview",
    "config_deploy": "config.deploy",
    "run_commands": "commands.run",
    "reachability": "devices.check_reachability",
    "facts": "devices.collect_facts",
    "lldp_discovery": "topology.discover",
    "compliance": "compliance.check",
}


def _rename(apps, mapping):  # type: ignore[no-untyped-def]
    for model in ("Job", "Schedule"):
        rows = apps.get_model("jobs", model).objects
        for old, new in mapping.items():
            rows.filter(kind=old).update(kind=new)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_customer_owned")]

    operations = [migrations.RunPython(forwards, backwards)]
