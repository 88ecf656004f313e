"""Topology links learned from LLDP/CDP, manual device parents, customer IP ranges, and the
device discovery queue."""

from django.db import models

from webnet.core.models import CustomerOwned
from webnet.devices.models import via_device


class Protocol(models.TextChoices):
    LLDP = "lldp", "LLDP"
    CDP = "cdp", "CDP"


class TopologyLink(CustomerOwned):
    """What `local_device` hears on `local_interface`: a known device, or only a name/address."""

    location_paths = via_device("local_device")

    local_device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="topology_links"
    )
    local_interface = models.CharField(max_length=100)
    remote_device = models.ForeignKey(
        "devices.Device",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topology_links_in",
    )
    remote_name = models.CharField(max_length=255, blank=True)
    remote_interface = models.CharField(max_length=100, blank=True)
    remote_address = models.CharField(max_length=100, blank=True)
    remote_platform = models.CharField(max_length=255, blank=True)
    protocol = models.CharField(max_length=4, choices=Protocol.choices)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["local_device__hostname", "local_interface", "protocol"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_device", "local_interface", "protocol", "remote_name"],
                name="unique_topology_link",
            )
        ]

    def __str__(self) -> str:
        remote = self.remote_device or self.remote_name or self.remote_address
        return f"{self.local_device}:{self.local_interface} — {remote}:{self.remote_interface}"


class DeviceParent(CustomerOwned):
    """`parent` is upstream of `device`, named by hand: it overrides the LLDP neighbours when
    monitoring decides whether a down device is only unreachable behind it."""

    location_paths = via_device()

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device_id", "parent_id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "parent"], name="unique_device_parent"),
            models.CheckConstraint(
                condition=~models.Q(device=models.F("parent")), name="device_parent_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.device_id}"


class CustomerIPRange(CustomerOwned):
    """Addresses (and SSH ports) a customer lets webnet scan for devices to onboard."""

    cidr = models.CharField(max_length=50, help_text="e.g. 10.0.0.0/24 or 127.0.0.1/32")
    ports = models.CharField(
        max_length=200, default="22", help_text="SSH ports: 22, or 22,2222, or 10001-10020"
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cidr"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "cidr", "ports"], name="unique_ip_range")
        ]

    def __str__(self) -> str:
        return f"{self.cidr} ports {self.ports}"


class CandidateSource(models.TextChoices):
    SCAN = "scan", "Scan"
    LLDP = "lldp", "LLDP neighbour"
    CDP = "cdp", "CDP neighbour"


class CandidateStatus(models.TextChoices):
    NEW = "new", "New"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    IGNORED = "ignored", "Ignored"


class DiscoveryCandidate(CustomerOwned):
    """A device webnet found but does not manage yet, waiting for an admin's decision."""

    location_paths = via_device("seen_by")  # found by a scan (no device): unscoped members only

    source = models.CharField(max_length=4, choices=CandidateSource.choices)
    status = models.CharField(
        max_length=8, choices=CandidateStatus.choices, default=CandidateStatus.NEW
    )
    address = models.CharField(max_length=100, blank=True)
    port = models.PositiveIntegerField(default=22)
    hostname = models.CharField(max_length=255, blank=True)
    platform = models.CharField(max_length=20, blank=True)
    credential = models.ForeignKey(
        "devices.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    seen_by = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "address", "port", "hostname"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "source", "address", "port", "hostname"],
                name="unique_discovery_candidate",
            )
        ]

    def __str__(self) -> str:
        where = f"{self.address}:{self.port}" if self.address else ""
        return " ".join(part for part in (self.hostname, where) if part) or f"#{self.pk}"
