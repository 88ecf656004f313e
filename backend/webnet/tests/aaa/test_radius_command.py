"""`manage.py radius --render-only`: the configuration `make radius` starts FreeRADIUS on."""

import stat
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import call_command

from webnet.aaa import radiusconf, supervisor
from webnet.aaa.management.commands.radius import config_directory, pid_file, running_pid
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


@pytest.mark.parametrize(
    ("dialect", "configured", "threads"),
    [("sqlite", 0, 4), ("postgresql", 0, 16), ("postgresql", 3, 3)],
)
def test_worker_threads_and_sql_pool_follow_the_database(
    world, settings, tmp_path, dialect, configured, threads
):
    # given: webnet's database of this dialect, WEBNET_RADIUS_THREADS as configured
    settings.STATE_DIR = tmp_path
    settings.WEBNET_RADIUS_THREADS = configured
    database = radiusconf.Database(dialect, "webnet", host="127.0.0.1", user="webnet")
    # when
    with mock.patch.object(supervisor, "radius_database", return_value=database):
        call_command("radius", "--render-only")
    # then: that many workers, each with one rlm_sql connection opened at start and kept
    conf = (config_directory() / "radiusd.conf").read_text()
    assert f"start_servers = {threads}\n\tmax_servers = {threads}\n" in conf
    pool = f"start = {threads}\n\t\tmin = {threads}\n\t\tmax = {threads}\n"
    assert pool in conf and "lifetime = 0" in conf and "idle_timeout = 0" in conf


def test_a_stale_pid_file_naming_another_program_is_not_a_running_supervisor(settings, tmp_path):
    settings.STATE_DIR = tmp_path
    pid_file().parent.mkdir(parents=True)
    other = subprocess.Popen(["sleep", "30"])  # alive, with the PID a crashed supervisor left
    try:
        pid_file().write_text(str(other.pid))
        assert running_pid() is None
        pid_file().write_text("not a pid")
        assert running_pid() is None
    finally:
        other.kill()
        other.wait()
    supervisor_like = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "manage.py", "radius"]
    )
    try:
        pid_file().write_text(str(supervisor_like.pid))
        assert running_pid() == supervisor_like.pid
    finally:
        supervisor_like.kill()
        supervisor_like.wait()
