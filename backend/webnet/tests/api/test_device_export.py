"""Device export ↔ import: the export link of a filtered list works, and what it downloads
imports back (same columns, tags and credential by name), creating or updating devices."""

import csv
import io
import re
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from webnet.devices import importer
from webnet.devices.models import Device
from webnet.tests import factories as f
from webnet.tests.conftest import World


def _export(client, query: str) -> str:
    response = client.get(f"/api/v1/devices/export/?{query}")
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode()


def _upload(client, content: str, **fields):
    file = io.BytesIO(content.encode())
    file.name = "devices.csv"
    return client.post("/api/v1/devices/import/", {"file": file, **fields}, format="multipart")


def test_the_export_link_of_a_filtered_list_answers(world: World) -> None:
    f.DeviceFactory(customer=world.a, hostname="e1", site="ams1")
    f.DeviceFactory(customer=world.a, hostname="e2", site="fra1")
    client = Client()
    client.force_login(world.viewer)
    # What the live filter form sends: every field, most of them empty.
    page = client.get(reverse("ui:device_list") + "?q=&platform=&status=&site=ams1&role=&tag=")
    href = re.search(
        r'href="(/api/v1/devices/export/\?file_format=csv[^"]*)"', page.content.decode()
    )
    assert href, "no export link"
    response = client.get(href.group(1).replace("&amp;", "&"))
    assert response.status_code == 200, response.content
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["hostname"] for row in rows] == ["e1"]


def test_export_imports_back_and_updates_existing_devices(world: World, api) -> None:
    credential = f.CredentialFactory(customer=world.a, name="lab-cred")
    edge, core = (
        f.TagFactory(customer=world.a, name="edge"),
        f.TagFactory(customer=world.a, name="core"),
    )
    f.DeviceFactory(
        customer=world.a,
        hostname="rt1",
        platform="arista_eos",
        credential=credential,
        tags=[edge, core],
        site="ams1",
        latitude=Decimal("52.370000"),
        description="uplink, to = core",
        enabled=False,
    )
    f.DeviceFactory(customer=world.a, hostname="rt2", credential=None)
    admin = api("admin")
    exported = _export(admin, f"file_format=csv&customer={world.a.pk}")
    header = exported.splitlines()[0].split(",")
    assert header == list(importer.COLUMNS)
    rows = {row["hostname"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert rows["rt1"]["tags"] == "core;edge" and rows["rt1"]["credential"] == "lab-cred"
    assert rows["rt2"]["credential"] == ""

    # Into another customer with the same credential name: a faithful copy.
    f.MembershipFactory(customer=world.b, user=world.admin, role="admin")
    f.CredentialFactory(customer=world.b, name="lab-cred")
    copied = _upload(admin, exported, customer=world.b.pk, dry_run="false")
    assert copied.status_code == 201, copied.json()
    copy = Device.objects.for_customer(world.b.pk).get(hostname="rt1")
    assert copy.credential.name == "lab-cred" and copy.enabled is False
    assert sorted(t.name for t in copy.tags.all()) == ["core", "edge"]
    assert copy.latitude == Decimal("52.370000") and copy.description == "uplink, to = core"
    assert _export(admin, f"file_format=csv&customer={world.b.pk}") == exported

    # Back into the same customer: existing devices are an error, unless updated.
    again = _upload(admin, exported, customer=world.a.pk, dry_run="false")
    assert again.status_code == 400 and "already exists" in str(again.json())
    edited = exported.replace("ams1", "fra9")
    dry = _upload(admin, edited, customer=world.a.pk, on_existing="update")
    assert dry.status_code == 200 and dry.json()["updated"] == 2
    assert Device.objects.get(customer=world.a, hostname="rt1").site.name == "ams1"
    done = _upload(admin, edited, customer=world.a.pk, dry_run="false", on_existing="update")
    assert done.status_code == 201, done.json()
    assert Device.objects.get(customer=world.a, hostname="rt1").site.name == "fra9"
    assert Device.objects.for_customer(world.a.pk).count() == 2

    # An update keeps what the file leaves out (here: everything but hostname and site).
    partial = "hostname,management_host,platform,site\nrt1,{},arista_eos,lon1\n".format(
        Device.objects.get(customer=world.a, hostname="rt1").management_host
    )
    _upload(admin, partial, customer=world.a.pk, dry_run="false", on_existing="update")
    rt1 = Device.objects.get(customer=world.a, hostname="rt1")
    assert rt1.site.name == "lon1" and rt1.credential == credential and rt1.tags.count() == 2
    assert rt1.description == "uplink, to = core"
