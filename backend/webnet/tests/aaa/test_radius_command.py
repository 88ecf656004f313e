"""`manage.py radius --render-only`: the configuration `make radius` starts FreeRADIUS on."""

import stat
import subprocess

import pytest
from django.core.management import call_command

from webnet.aaa.management.commands.radius import config_directory
from webnet.tests import factories

pytestmark = pytest.mark.django_db


def test_render_only_writes_a_configuration_freeradius_accepts(world, settings, tmp_path):
    # given
    settings.STATE_DIR = tmp_path
    nas = factories.NasFactory(customer=world.b, nasname="127.0.0.31", secret="s3cret-b")
    # when
    call_command("radius", "--render-only")
    # then: one client per NAS, signed requests required, tagged with its customer
    directory = config_directory()
    clients = (directory / "clients.conf").read_text()
    assert "ipaddr = 127.0.0.31" in clients and f"customer = {nas.customer_id}" in clients
    assert "require_message_authenticator = yes" in clients and '"s3cret-b"' in clients
    assert stat.S_IMODE((directory / "clients.conf").stat().st_mode) == 0o600
    checked = subprocess.run(
        ["freeradius", "-C", "-d", str(directory)], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
