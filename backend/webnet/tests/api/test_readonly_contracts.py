"""Generated contracts of the resources the engines make (jobs, poller, alarm engine, outbox):
readable by the least role, invisible to other customers, never written through their endpoint."""

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from webnet.alarms.models import Event
from webnet.compliance.models import ComplianceResult
from webnet.config_mgmt.models import BackupState
from webnet.networkops.models import DiscoveryCandidate, TopologyLink
from webnet.notifications import outbox
from webnet.terminal.models import TerminalSession
from webnet.tests import factories as f
from webnet.tests.api.contract import ReadOnlyContract
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
VIEWER = {"view": "viewer", "delete": None}
ADMIN = {"view": "admin", "delete": None}


class TestSSHHostKeys(ReadOnlyContract):
    endpoint = "ssh-host-keys"
    least_role = {"view": "viewer", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.SSHHostKeyFactory(device__customer=world.a)


class TestConfigSnapshots(ReadOnlyContract):
    endpoint = "config-snapshots"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return f.ConfigSnapshotFactory(device__customer=world.a)


class TestBackupStates(ReadOnlyContract):
    endpoint = "backup-states"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        device = f.DeviceFactory(customer=world.a)
        return BackupState.objects.create(customer=world.a, device=device)


class TestComplianceRuns(ReadOnlyContract):
    endpoint = "compliance-runs"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return f.ComplianceRunFactory(customer=world.a)


class TestComplianceResults(ReadOnlyContract):
    endpoint = "compliance-results"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return ComplianceResult.objects.create(
            customer=world.a,
            run=f.ComplianceRunFactory(customer=world.a),
            device=f.DeviceFactory(customer=world.a),
            rule_name="ntp",
            status="fail",
        )


class TestTopologyLinks(ReadOnlyContract):
    endpoint = "topology-links"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return TopologyLink.objects.create(
            customer=world.a,
            local_device=f.DeviceFactory(customer=world.a),
            local_interface="Gi0/1",
            protocol="lldp",
            last_seen_at=timezone.now(),
        )


class TestDiscoveryCandidates(ReadOnlyContract):
    endpoint = "discovery-candidates"
    least_role = ADMIN

    def make(self, world: World) -> Any:
        return DiscoveryCandidate.objects.create(
            customer=world.a, source="lldp", hostname=f"r{next(_serial)}"
        )


class TestTerminalSessions(ReadOnlyContract):
    endpoint = "terminal-sessions"
    least_role = ADMIN

    def make(self, world: World) -> Any:
        return TerminalSession.objects.create(
            customer=world.a, device_hostname="r1", username="a-operator"
        )


class TestDeviceStates(ReadOnlyContract):
    endpoint = "device-states"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return f.DeviceStateFactory(device__customer=world.a)


class TestInterfaces(ReadOnlyContract):
    endpoint = "interfaces"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return f.InterfaceFactory(device__customer=world.a)


class TestEvents(ReadOnlyContract):
    endpoint = "events"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return Event.objects.create(
            customer=world.a,
            device=f.DeviceFactory(customer=world.a),
            time=timezone.now(),
            source="syslog",
        )


class TestAlarms(ReadOnlyContract):
    endpoint = "alarms"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        return f.AlarmFactory(customer=world.a)


class TestDeliveries(ReadOnlyContract):
    endpoint = "deliveries"
    least_role = VIEWER

    def make(self, world: World) -> Any:
        f.RoutingRuleFactory(customer=world.a, users=[world.viewer])
        with transaction.atomic():
            (delivery,) = outbox.enqueue(
                customer=world.a,
                topic="alarm",
                key=f"alarm:{timezone.now().timestamp()}",
                state="firing",
                severity="major",
                title="core-1 down",
                payload={},
            )
        return delivery
