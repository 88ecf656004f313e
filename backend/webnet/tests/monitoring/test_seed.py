"""The demo seed: a default profile with the lab's community, SNMP agents bound; idempotent."""

from django.core.management import call_command

from webnet.monitoring.models import DeviceMonitoring, PollProfile
from webnet.monitoring.targets import poll_targets
from webnet.tests import factories as f

HEADER = "hostname,management_host,port,platform,snmp_host,snmp_port,snmp_community,snmp_v3_user"


def test_the_seed_binds_the_lab_agents_and_is_idempotent(db, tmp_path, monkeypatch) -> None:
    customer = f.CustomerFactory(slug="demo")
    r1 = f.DeviceFactory(customer=customer, hostname="lab-r1")
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        f"{HEADER}\nlab-r1,127.0.0.1,10001,cisco_ios,127.20.0.1,16100,lab-community,\n"
        "gone,127.0.0.1,10002,cisco_ios,127.20.0.2,16100,lab-community,\n"
    )
    for _ in range(2):
        call_command("seed_monitoring", "--inventory", str(inventory))
    profile = PollProfile.objects.get(customer=customer)
    assert profile.is_default and "interfaces" in profile.parts
    binding = DeviceMonitoring.objects.get()
    assert (binding.device_id, binding.snmp_address, binding.snmp_port) == (
        r1.pk,
        "127.20.0.1",
        16100,
    )
    [target] = poll_targets(0, 1)
    assert (target.address, target.port, target.auth.community) == (
        "127.20.0.1",
        16100,
        "lab-community",
    )


def test_without_snmp_columns_the_profile_polls_icmp_only(db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WEBNET_LAB_SNMP_COMMUNITY", "from-env")
    f.CustomerFactory(slug="demo")
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        "hostname,management_host,port,platform\nlab-r1,127.0.0.1,10001,cisco_ios\n"
    )
    call_command("seed_monitoring", "--inventory", str(inventory))
    profile = PollProfile.objects.get()
    assert profile.parts == ["icmp"] and profile.snmp_credential.reveal("community") == "from-env"
