"""Inventory: credentials, devices, tags, groups and known SSH host keys — all per customer."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from webnet.core import crypto
from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.platforms import Platform
from webnet.locations.models import Location, Rack, Site

SECRET_FIELDS = ("password", "enable_secret", "ssh_private_key")


class Credential(NamedCustomerOwned):
    """Login material for devices. Secrets are MultiFernet ciphertexts, decrypted only by jobs."""

    audit_masked_fields = tuple(f"{name}_encrypted" for name in SECRET_FIELDS)
    encrypted_fields = audit_masked_fields

    description = models.TextField(blank=True)
    username = models.CharField(max_length=100)
    password_encrypted = models.TextField(blank=True, editable=False)
    enable_secret_encrypted = models.TextField(blank=True, editable=False)
    ssh_private_key_encrypted = models.TextField(blank=True, editable=False)

    def __str__(self) -> str:
        return self.name

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def has_enable_secret(self) -> bool:
        return bool(self.enable_secret_encrypted)

    @property
    def has_ssh_private_key(self) -> bool:
        return bool(self.ssh_private_key_encrypted)

    def reveal(self, secret: str) -> str:
        """Decrypt one secret (`password`, `enable_secret`, `ssh_private_key`). Job code only."""
        if secret not in SECRET_FIELDS:
            raise ValueError(f"unknown secret {secret!r}")
        return crypto.decrypt(getattr(self, f"{secret}_encrypted"))


class Tag(CustomerOwned):
    name = models.CharField(max_length=64)
    color = models.CharField(max_length=7, default="#64748b")
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["customer", "name"], name="unique_tag_name")]

    def __str__(self) -> str:
        return self.name


# The inventory fields people edit; the API, the UI form and the CSV import share this list.
INVENTORY_FIELDS = (
    "hostname",
    "management_host",
    "port",
    "platform",
    "vendor",
    "model",
    "serial_number",
    "os_version",
    "role",
    "site",
    "location",
    "rack",
    "latitude",
    "longitude",
    "description",
    "enabled",
)


class DeviceStatus(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    REACHABLE = "reachable", "Reachable"
    UNREACHABLE = "unreachable", "Unreachable"


class Device(CustomerOwned):
    # Changing these needs device.change_binding (admin): they decide where a password is sent.
    binding_fields = ("management_host", "port", "credential", "credential_id")
    # Where the device stands: `within(node)` and location-scoped memberships read these.
    location_paths = {
        "region": "site__region",
        "site": "site",
        "location": "location",
        "rack": "rack",
    }

    hostname = models.CharField(max_length=100)
    management_host = models.CharField(max_length=255, help_text="IP address or DNS name")
    port = models.PositiveIntegerField(
        default=22, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    vendor = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=100, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    os_version = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=50, blank=True)
    # PROTECT: a site, location or rack that still holds devices cannot be deleted.
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
    )
    rack = models.ForeignKey(
        Rack, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="devices")
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    enabled = models.BooleanField(default=True)
    legacy_ssh = models.BooleanField(
        default=False, help_text="Allow legacy key exchange and ciphers for old gear"
    )
    status = models.CharField(
        max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.UNKNOWN
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_backup_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hostname"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "hostname"], name="unique_device_hostname")
        ]
        indexes = [models.Index(fields=["customer", "platform"])]

    def __str__(self) -> str:
        return self.hostname


class GroupKind(models.TextChoices):
    STATIC = "static", "Static members"
    DYNAMIC = "dynamic", "Dynamic (filter rules)"


class DeviceGroup(NamedCustomerOwned):
    """A set of devices: chosen by hand, or every device matching filter rules; nestable.

    A group's members include its child groups' members. `filter_rules` holds device filter
    parameters (the same ones the device list accepts), e.g. {"platform": ["cisco_ios"]}.
    """

    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=10, choices=GroupKind.choices, default=GroupKind.STATIC)
    devices = models.ManyToManyField(Device, blank=True, related_name="static_groups")
    filter_rules = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


def via_device(field: str = "device") -> dict[str, str]:
    """`location_paths` of a model that stands where its (non-null) `field` device stands."""
    return {kind: f"{field}__{path}" for kind, path in Device.location_paths.items()}


class SSHHostKey(CustomerOwned):
    """A device's SSH host key as first seen (trust on first use) or as pinned by an admin."""

    location_paths = via_device()

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="host_keys")
    key_type = models.CharField(max_length=40)
    public_key = models.TextField()
    fingerprint_sha256 = models.CharField(max_length=100)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["device__hostname", "key_type"]
        constraints = [
            models.UniqueConstraint(fields=["device", "key_type"], name="unique_host_key_type")
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.key_type} {self.fingerprint_sha256}"
