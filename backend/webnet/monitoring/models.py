"""Monitoring records: what to poll (profiles, SNMP credentials, per-device bindings), what was
seen (device and interface state, state history) and the time series (raw samples, rollups).

Samples and rollups are keyed by device × if_index (0 = the device itself) × metric, so a
series is one index range scan; the unique key of a raw sample includes the poll cycle, which
makes storing a cycle twice write nothing new.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from webnet.core import crypto
from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.models import via_device

PARTS = ("icmp", "system", "interfaces", "cpu_mem", "custom")
DEFAULT_PARTS = ["icmp", "system", "interfaces", "cpu_mem"]
SNMP_SECRET_FIELDS = ("community", "auth_key", "priv_key")
DEVICE = 0  # if_index of a device-level series


class PollProfile(NamedCustomerOwned):
    """How often and what to poll. A customer's default profile covers every device that has
    no binding naming another one."""

    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    interval_s = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(10), MaxValueValidator(3600)]
    )
    parts = models.JSONField(default=list, help_text=f"subset of {', '.join(PARTS)}")
    custom_oids = models.JSONField(default=list, blank=True, help_text="numeric OIDs")
    timeout_s = models.FloatField(
        default=2.0, validators=[MinValueValidator(0.1), MaxValueValidator(30)]
    )
    retries = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(5)])
    snmp_credential = models.ForeignKey(
        "monitoring.SnmpCredential",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )

    class Meta(NamedCustomerOwned.Meta):
        constraints = [
            *NamedCustomerOwned.Meta.constraints,
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True),
                name="monitoring_one_default_profile",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SnmpVersion(models.TextChoices):
    V2C = "v2c", "SNMP v2c"
    V3 = "v3", "SNMP v3"


class SnmpCredential(NamedCustomerOwned):
    """SNMP v2c community or v3 USM user; secrets are MultiFernet ciphertexts like a device
    Credential's, decrypted only when targets are handed to the poller."""

    audit_masked_fields = tuple(f"{name}_encrypted" for name in SNMP_SECRET_FIELDS)
    encrypted_fields = audit_masked_fields

    description = models.TextField(blank=True)
    version = models.CharField(max_length=3, choices=SnmpVersion.choices, default=SnmpVersion.V2C)
    community_encrypted = models.TextField(blank=True, editable=False)
    username = models.CharField(max_length=100, blank=True)
    auth_protocol = models.CharField(max_length=10, blank=True)
    auth_key_encrypted = models.TextField(blank=True, editable=False)
    priv_protocol = models.CharField(max_length=10, blank=True)
    priv_key_encrypted = models.TextField(blank=True, editable=False)

    def __str__(self) -> str:
        return self.name

    @property
    def has_community(self) -> bool:
        return bool(self.community_encrypted)

    @property
    def has_auth_key(self) -> bool:
        return bool(self.auth_key_encrypted)

    @property
    def has_priv_key(self) -> bool:
        return bool(self.priv_key_encrypted)

    def reveal(self, secret: str) -> str:
        """Decrypt one secret (`community`, `auth_key`, `priv_key`). Target loading only."""
        if secret not in SNMP_SECRET_FIELDS:
            raise ValueError(f"unknown secret {secret!r}")
        return crypto.decrypt(getattr(self, f"{secret}_encrypted"))


class DeviceMonitoring(CustomerOwned):
    """A device's own monitoring settings; without one it follows the default profile."""

    # Changing these needs device.change_binding (admin): they decide where a community is sent.
    binding_fields = ("snmp_address", "snmp_port", "snmp_credential", "snmp_credential_id")

    location_paths = via_device()

    device = models.OneToOneField(
        "devices.Device", on_delete=models.CASCADE, related_name="monitoring"
    )
    enabled = models.BooleanField(default=True)
    profile = models.ForeignKey(
        PollProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="bindings"
    )
    snmp_credential = models.ForeignKey(
        SnmpCredential, null=True, blank=True, on_delete=models.SET_NULL, related_name="bindings"
    )
    snmp_address = models.CharField(max_length=255, blank=True, help_text="default: device host")
    snmp_port = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )

    class Meta:
        ordering = ["device_id"]

    def __str__(self) -> str:
        return f"monitoring of {self.device_id}"


class State(models.TextChoices):
    UP = "up", "Up"
    DOWN = "down", "Down"
    UNREACHABLE = "unreachable", "Unreachable"
    DEGRADED = "degraded", "Degraded"
    FLAPPING = "flapping", "Flapping"
    POLL_TIMEOUT = "poll_timeout", "Poll timeout"
    UNKNOWN = "unknown", "Unknown"
    ADMIN_DOWN = "admin_down", "Admin down"  # interfaces only


# Device states, worst first: the dashboard's order, and the location tree's roll-up rank.
PROBLEMS = (State.DOWN, State.UNREACHABLE, State.FLAPPING, State.POLL_TIMEOUT, State.DEGRADED)
SEVERITY: dict[str, int] = {
    state: rank for rank, state in enumerate(reversed((*PROBLEMS, State.UNKNOWN, State.UP)))
}


class DeviceState(CustomerOwned):
    """The device's current state. `observed` is the last polled state before flap damping;
    `recent_changes` the epoch seconds of its recent changes (the flap window)."""

    location_paths = via_device()

    device = models.OneToOneField("devices.Device", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.UNKNOWN)
    observed = models.CharField(max_length=12, choices=State.choices, default=State.UNKNOWN)
    since = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_cycle = models.BigIntegerField(null=True, blank=True)
    uptime_ticks = models.BigIntegerField(null=True, blank=True)
    sys_name = models.CharField(max_length=255, blank=True)
    sys_descr = models.TextField(blank=True)
    sys_object_id = models.CharField(max_length=255, blank=True)
    rtt_ms = models.FloatField(null=True, blank=True)
    loss_pct = models.FloatField(null=True, blank=True)
    cpu_pct = models.FloatField(null=True, blank=True)
    mem_pct = models.FloatField(null=True, blank=True)
    recent_changes = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "state"])]

    def __str__(self) -> str:
        return f"{self.device_id} {self.state}"


class Interface(CustomerOwned):
    """One interface by ifIndex, with the last counters read (for the next rate) and rates."""

    location_paths = via_device()

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    if_index = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    descr = models.CharField(max_length=255, blank=True)
    alias = models.CharField(max_length=255, blank=True)
    admin_status = models.PositiveSmallIntegerField(default=0)
    oper_status = models.PositiveSmallIntegerField(default=0)
    speed_bps = models.BigIntegerField(default=0)
    in_bps = models.FloatField(null=True, blank=True)
    out_bps = models.FloatField(null=True, blank=True)
    in_errors_ps = models.FloatField(null=True, blank=True)
    out_errors_ps = models.FloatField(null=True, blank=True)
    in_discards_ps = models.FloatField(null=True, blank=True)
    out_discards_ps = models.FloatField(null=True, blank=True)
    utilisation_pct = models.FloatField(null=True, blank=True)
    counters = models.JSONField(default=dict, blank=True)  # last raw counters by name
    counters_at = models.FloatField(null=True, blank=True)  # epoch seconds of that reading
    status_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device_id", "if_index"]
        constraints = [
            models.UniqueConstraint(fields=["device", "if_index"], name="monitoring_unique_ifindex")
        ]

    def __str__(self) -> str:
        return self.name or f"ifIndex {self.if_index}"


class StateTransition(CustomerOwned):
    """A device (if_index 0) or interface entered `state` at `at`: availability is read from
    these rows, never counted."""

    location_paths = via_device()

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    if_index = models.PositiveIntegerField(default=DEVICE)
    state = models.CharField(max_length=12, choices=State.choices)
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["device_id", "if_index", "at", "id"]
        indexes = [models.Index(fields=["device", "if_index", "at"])]


class Sample(CustomerOwned):
    location_paths = via_device()

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    if_index = models.PositiveIntegerField(default=DEVICE)
    metric = models.CharField(max_length=100)
    cycle = models.BigIntegerField()
    at = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "if_index", "metric", "cycle"], name="monitoring_sample_once"
            )
        ]
        indexes = [
            models.Index(fields=["device", "if_index", "metric", "at"]),
            models.Index(fields=["at"]),
        ]


class Rollup(CustomerOwned):
    """min/avg/max/p95 of the raw samples in [bucket, bucket + step_s)."""

    location_paths = via_device()

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    if_index = models.PositiveIntegerField(default=DEVICE)
    metric = models.CharField(max_length=100)
    step_s = models.PositiveIntegerField()
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    min = models.FloatField()
    avg = models.FloatField()
    max = models.FloatField()
    p95 = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "if_index", "metric", "step_s", "bucket"],
                name="monitoring_rollup_once",
            )
        ]
        indexes = [models.Index(fields=["step_s", "bucket"])]
