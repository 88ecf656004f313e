"""What one poller shard polls: every enabled device with monitoring on, as `PollTarget`s.

This is the engine-internal path (no user, no gate), like job code resolving its targets: the
poller serves every customer. A device is polled when it is enabled, its binding (if any) is
enabled, and it has a profile — its binding's, else its customer's default. SNMP secrets are
decrypted here and only here; they travel to the pure core inside `SnmpAuth`.
"""

from django.db.models import Q

from webnet.devices.models import Device
from webnet.monitoring.models import DEFAULT_PARTS, DeviceMonitoring, PollProfile, SnmpCredential
from webnet.monitoring.poller.cycle import shard_of
from webnet.monitoring.poller.types import PollTarget, SnmpAuth

SNMP_PORT = 161


def snmp_auth(credential: SnmpCredential | None) -> SnmpAuth:
    if credential is None:
        return SnmpAuth()
    return SnmpAuth(
        version="v3" if credential.version == "v3" else "v2c",
        community=credential.reveal("community"),
        username=credential.username,
        auth_protocol=credential.auth_protocol,
        auth_key=credential.reveal("auth_key"),
        priv_protocol=credential.priv_protocol,
        priv_key=credential.reveal("priv_key"),
    )


def _target(
    device: Device, profile: PollProfile, binding: DeviceMonitoring | None, auth: SnmpAuth
) -> PollTarget:
    return PollTarget(
        device_id=device.pk,
        address=(binding.snmp_address if binding else "") or device.management_host,
        port=(binding.snmp_port if binding else None) or SNMP_PORT,
        auth=auth,
        parts=frozenset(profile.parts or DEFAULT_PARTS),
        custom_oids=tuple(profile.custom_oids or ()),
        timeout_s=profile.timeout_s,
        retries=profile.retries,
        interval_s=float(profile.interval_s),
    )


def poll_targets(shard: int, shard_count: int) -> list[PollTarget]:
    """The targets of shard `shard` of `shard_count` (by `shard_of` of the device id)."""
    defaults = {
        p.customer_id: p
        for p in PollProfile.objects.filter(is_default=True).select_related("snmp_credential")
    }
    devices = (
        Device.objects.filter(enabled=True)
        .filter(Q(monitoring__isnull=True) | Q(monitoring__enabled=True))
        .select_related("monitoring__profile__snmp_credential", "monitoring__snmp_credential")
        .order_by("pk")
    )
    auths: dict[int, SnmpAuth] = {}  # decrypt each credential once per call
    targets = []
    for device in devices.iterator(chunk_size=2000):
        if shard_of(device.pk, shard_count) != shard:
            continue
        binding = getattr(device, "monitoring", None)
        profile = (binding.profile if binding else None) or defaults.get(device.customer_id)
        if profile is None:
            continue
        credential = (binding.snmp_credential if binding else None) or profile.snmp_credential
        key = credential.pk if credential else 0
        if key not in auths:
            auths[key] = snmp_auth(credential)
        targets.append(_target(device, profile, binding, auths[key]))
    return targets
