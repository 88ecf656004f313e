"""Devices stand in a Site (and optionally a Location and a Rack) instead of a free-text site.

Each customer's distinct free-text values become that customer's Site rows (same name, active,
no region), and every device points at its own; nothing is lost. Reversing writes the site names
back into the text column.

Not atomic: on PostgreSQL the data step's row updates leave deferred foreign-key checks pending,
and a later ALTER TABLE in the same transaction fails ("pending trigger events"). Each schema
step runs on its own and the data step in its own transaction (RunPython's atomic), so the
checks are flushed in between, both ways. The final schema is the same.
"""

import django.db.models.deletion
from django.db import migrations, models


def text_to_sites(apps, schema_editor):
    Device = apps.get_model("devices", "Device")
    Site = apps.get_model("locations", "Site")
    pairs = (
        Device.objects.exclude(site_name="")
        .values_list("customer_id", "site_name")
        .distinct()
        .order_by("customer_id", "site_name")
    )
    for customer_id, name in pairs:
        site, _ = Site.objects.get_or_create(customer_id=customer_id, name=name[:100])
        Device.objects.filter(customer_id=customer_id, site_name=name).update(site_ref=site)


def sites_to_text(apps, schema_editor):
    Device = apps.get_model("devices", "Device")
    for device in Device.objects.exclude(site_ref=None).select_related("site_ref"):
        Device.objects.filter(pk=device.pk).update(site_name=device.site_ref.name)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("devices", "0002_customer_owned"),
        ("locations", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="device", old_name="site", new_name="site_name"),
        migrations.AddField(
            model_name="device",
            name="site_ref",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="devices",
                to="locations.site",
            ),
        ),
        migrations.RunPython(text_to_sites, sites_to_text),
        migrations.RemoveField(model_name="device", name="site_name"),
        migrations.RenameField(model_name="device", old_name="site_ref", new_name="site"),
        migrations.AddField(
            model_name="device",
            name="location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="devices",
                to="locations.location",
            ),
        ),
        migrations.AddField(
            model_name="device",
            name="rack",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="devices",
                to="locations.rack",
            ),
        ),
    ]
