"""Job.target_devices: `device_ids` as a relation, so a location scope can tell where a job
stands (every target inside). Existing jobs get the devices of their ids that still exist."""

from django.db import migrations, models


def fill_targets(apps, schema_editor) -> None:
    job_model = apps.get_model("jobs", "Job")
    device_model = apps.get_model("devices", "Device")
    through = job_model.target_devices.through
    existing = set(device_model.objects.values_list("pk", flat=True))
    rows = [
        through(job_id=job_id, device_id=device_id)
        for job_id, device_ids in job_model.objects.values_list("pk", "device_ids").iterator()
        for device_id in set(device_ids or []) & existing
    ]
    through.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0003_h3_device_site"),
        ("jobs", "0004_kind_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="target_devices",
            field=models.ManyToManyField(blank=True, related_name="+", to="devices.device"),
        ),
        migrations.RunPython(fill_targets, migrations.RunPython.noop),
    ]
