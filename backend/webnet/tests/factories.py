"""factory_boy factories for every model; secrets go through the real encryption."""

import time
from datetime import timedelta
from typing import Any

import factory
import pyotp
from django.utils import timezone
from factory.django import DjangoModelFactory

from webnet.aaa.models import Nas, RadAcct
from webnet.core import crypto
from webnet.customers.models import Customer, Membership, Role
from webnet.devices.models import Credential, Device, DeviceGroup, SSHHostKey, Tag
from webnet.devices.platforms import Platform
from webnet.incidents.log import append_event
from webnet.locations.models import Location, Rack, Region, Site
from webnet.maintenance.models import FreezeWindow, MaintenanceWindow
from webnet.maintenance.services import stamp
from webnet.notifications.models import RoutingRule, Sink
from webnet.users import totp
from webnet.users.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"
# Every credential's secrets by default: the suite-wide guard (conftest) watches for it.
CANARY = "canary-Pa55w0rd-7f3e9b"


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    slug = factory.Sequence(lambda n: f"customer-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.net")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def persist_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    role = Role.VIEWER


class CredentialFactory(DjangoModelFactory):
    """Pass `password=...` (plaintext) to get it stored encrypted."""

    class Meta:
        model = Credential
        exclude = ("password", "enable_secret")

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"cred-{n}")
    username = "netops"
    password = CANARY
    enable_secret = CANARY + "-enable"
    password_encrypted = factory.LazyAttribute(lambda c: crypto.encrypt(c.password))
    enable_secret_encrypted = factory.LazyAttribute(lambda c: crypto.encrypt(c.enable_secret))


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"region-{n}")


class SiteFactory(DjangoModelFactory):
    """A customer's site by name: asking twice for one name gives the same site."""

    class Meta:
        model = Site
        django_get_or_create = ("customer", "name")

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"site-{n}")


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    site = factory.SubFactory(SiteFactory)
    customer = factory.SelfAttribute("site.customer")
    name = factory.Sequence(lambda n: f"room-{n}")


class RackFactory(DjangoModelFactory):
    """In `location`'s site when given a location."""

    class Meta:
        model = Rack

    location = None
    site = factory.Maybe(
        "location",
        yes_declaration=factory.SelfAttribute("location.site"),
        no_declaration=factory.SubFactory(SiteFactory),
    )
    customer = factory.SelfAttribute("site.customer")
    name = factory.Sequence(lambda n: f"rack-{n}")


class DeviceFactory(DjangoModelFactory):
    """`site` may be a Site or a name: the customer's site of that name (made if missing)."""

    class Meta:
        model = Device
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    hostname = factory.Sequence(lambda n: f"r{n}")
    management_host = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")
    platform = Platform.CISCO_IOS
    vendor = "Cisco"

    @classmethod
    def _create(cls, model_class: type[Device], *args: object, **kwargs: object) -> Device:
        if isinstance(kwargs.get("site"), str):
            name = kwargs.pop("site")
            kwargs["site"] = SiteFactory(customer=kwargs["customer"], name=name) if name else None
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)


class DeviceGroupFactory(DjangoModelFactory):
    class Meta:
        model = DeviceGroup
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"group-{n}")

    @factory.post_generation
    def devices(self, create: bool, extracted: list[Device] | None, **kwargs: object) -> None:
        if create and extracted:
            self.devices.set(extracted)


class SSHHostKeyFactory(DjangoModelFactory):
    class Meta:
        model = SSHHostKey

    device = factory.SubFactory(DeviceFactory)
    customer = factory.SelfAttribute("device.customer")
    key_type = "ssh-ed25519"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx"
    fingerprint_sha256 = factory.Sequence(lambda n: f"SHA256:{n:043d}")


class ConfigSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = "config_mgmt.ConfigSnapshot"

    device = factory.SubFactory(DeviceFactory)
    customer = factory.SelfAttribute("device.customer")
    text = "hostname r1\nenable secret 9 $9$abcdef\ninterface Gi0/1\n description uplink\n!\n"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = factory.LazyAttribute(lambda s: len(s.text))


class ConfigTemplateFactory(DjangoModelFactory):
    class Meta:
        model = "config_mgmt.ConfigTemplate"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"template-{n}")
    body = "hostname {{ device.hostname }}\n"


class CompliancePolicyFactory(DjangoModelFactory):
    class Meta:
        model = "compliance.CompliancePolicy"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"policy-{n}")


class ComplianceRuleFactory(DjangoModelFactory):
    class Meta:
        model = "compliance.ComplianceRule"

    policy = factory.SubFactory(CompliancePolicyFactory)
    customer = factory.SelfAttribute("policy.customer")
    name = factory.Sequence(lambda n: f"rule-{n}")
    kind = "must_contain"
    parameters = factory.LazyFunction(lambda: {"lines": ["ip ssh version 2"]})


class ComplianceWaiverFactory(DjangoModelFactory):
    class Meta:
        model = "compliance.ComplianceWaiver"

    customer = factory.SubFactory(CustomerFactory)
    device = factory.SubFactory(DeviceFactory, customer=factory.SelfAttribute("..customer"))
    rule = factory.SubFactory(
        ComplianceRuleFactory, policy__customer=factory.SelfAttribute("...customer")
    )
    reason = "accepted risk"


def enrol_totp(user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Give `user` a confirmed TOTP device through the real service; returns the authenticator
    and the recovery codes. Enrols with the previous window's code, so `.now()` is still unused."""
    secret = totp.new_secret()
    authenticator = pyotp.TOTP(secret)
    codes = totp.confirm_enrolment(user, secret=secret, code=authenticator.at(time.time() - 30))
    return authenticator, codes


class JobFactory(DjangoModelFactory):
    """A finished job record (nothing runs: for tests that need a job to point at)."""

    class Meta:
        model = "jobs.Job"
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    kind = "config.backup"
    status = "success"

    @factory.post_generation
    def target_devices(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Like JobService: the relation follows `device_ids`."""
        if create:
            self.target_devices.set(self.device_ids)  # type: ignore[attr-defined]


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = "jobs.Schedule"

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"schedule-{n}")
    kind = "config.backup"
    cron = "0 2 * * *"


class ComplianceRunFactory(DjangoModelFactory):
    class Meta:
        model = "compliance.ComplianceRun"

    customer = factory.SubFactory(CustomerFactory)


# Monitoring.
class SnmpCredentialFactory(DjangoModelFactory):
    """Pass `community=...` (plaintext) to get it stored encrypted."""

    class Meta:
        model = "monitoring.SnmpCredential"
        exclude = ("community",)

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"snmp-{n}")
    community = CANARY
    community_encrypted = factory.LazyAttribute(lambda c: crypto.encrypt(c.community))


class PollProfileFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.PollProfile"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"profile-{n}")
    parts = factory.LazyFunction(lambda: ["icmp", "system", "interfaces", "cpu_mem"])


class DeviceStateFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.DeviceState"

    device = factory.SubFactory(DeviceFactory)
    customer = factory.SelfAttribute("device.customer")
    state = "up"


class InterfaceFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.Interface"

    device = factory.SubFactory(DeviceFactory)
    customer = factory.SelfAttribute("device.customer")
    if_index = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda i: f"Gi0/{i.if_index}")
    admin_status = 1
    oper_status = 1
    speed_bps = 10**9


# Alarms.
class AlarmRuleFactory(DjangoModelFactory):
    class Meta:
        model = "alarms.AlarmRule"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"rule-{n}")
    kind = "event"
    condition = "bgp.down"
    severity = "critical"
    spec = factory.LazyFunction(lambda: {"source": "trap", "trap_oid": "1.3.6.1.2.1.15.7.2"})


class AlarmFactory(DjangoModelFactory):
    class Meta:
        model = "alarms.Alarm"

    customer = factory.SubFactory(CustomerFactory)
    device = factory.SubFactory(DeviceFactory, customer=factory.SelfAttribute("..customer"))
    condition = "interface.down"
    if_index = factory.Sequence(lambda n: n + 1)
    resource = factory.LazyAttribute(lambda o: f"device:{o.device.pk}/ifIndex:{o.if_index}")
    dedup_key = factory.LazyAttribute(lambda o: f"{o.resource}|{o.condition}")
    first_seen = factory.LazyFunction(timezone.now)
    last_seen = factory.SelfAttribute("first_seen")


class SilenceFactory(DjangoModelFactory):
    class Meta:
        model = "alarms.Silence"

    customer = factory.SubFactory(CustomerFactory)
    matchers = factory.LazyFunction(lambda: [{"name": "condition", "value": "interface.down"}])
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


# Notifications.
class SinkFactory(DjangoModelFactory):
    """An email sink by default; pass `secret=...` (plaintext) to store it encrypted."""

    class Meta:
        model = Sink
        exclude = ("secret",)

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"sink-{n}")
    kind = "email"
    recipients = factory.LazyFunction(lambda: ["noc@example.net"])
    secret = ""
    secret_encrypted = factory.LazyAttribute(lambda s: crypto.encrypt(s.secret))


class RoutingRuleFactory(DjangoModelFactory):
    class Meta:
        model = RoutingRule
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"rule-{n}")

    @factory.post_generation
    def sinks(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.sinks.set(extracted)

    @factory.post_generation
    def users(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.users.set(extracted)


# Incidents.
class TeamFactory(DjangoModelFactory):
    class Meta:
        model = "incidents.Team"
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"team-{n}")

    @factory.post_generation
    def members(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.members.set(extracted)


class IncidentFactory(DjangoModelFactory):
    """An incident row with its `opened` event, as services.open_incident writes it."""

    class Meta:
        model = "incidents.Incident"
        skip_postgeneration_save = True  # the hook writes an event row, not the incident

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"incident {n}")
    opened_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def opened(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            append_event(
                self, "opened", "triggered", at=self.opened_at, data={"priority": self.priority}
            )


class OnCallScheduleFactory(DjangoModelFactory):
    class Meta:
        model = "incidents.OnCallSchedule"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"schedule-{n}")


class EscalationChainFactory(DjangoModelFactory):
    class Meta:
        model = "incidents.EscalationChain"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"chain-{n}")


class SlaPolicyFactory(DjangoModelFactory):
    class Meta:
        model = "incidents.SlaPolicy"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"sla-{n}")
    targets = factory.LazyFunction(
        lambda: {
            "p1": {
                "acknowledge": 900,
                "first_response": 1800,
                "resolve_first": 14400,
                "resolve_total": 28800,
            },
            "p3": {"acknowledge": 3600, "resolve_first": 86400},
        }
    )


class TimedFactory(DjangoModelFactory):
    """An hour-long one-off window or freeze from now, with its derived columns."""

    class Meta:
        abstract = True

    customer = factory.SubFactory(CustomerFactory)
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))

    @classmethod
    def _create(cls, model_class: type[Any], *args: object, **kwargs: Any) -> Any:
        window = model_class(**kwargs)
        stamp(window, timezone.now())
        window.save()
        return window


class MaintenanceWindowFactory(TimedFactory):
    """`devices=[...]` puts them in the window."""

    class Meta:
        model = MaintenanceWindow
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"window-{n}")

    @factory.post_generation
    def devices(self, create: bool, extracted: list[Device] | None, **kwargs: object) -> None:
        if create and extracted:
            self.devices.set(extracted)


class FreezeWindowFactory(TimedFactory):
    class Meta:
        model = FreezeWindow

    name = factory.Sequence(lambda n: f"freeze-{n}")


class ServicePlanFactory(DjangoModelFactory):
    class Meta:
        model = "subscribers.ServicePlan"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"plan-{n}")
    down_kbps = 100_000
    up_kbps = 20_000


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = "subscribers.Subscriber"

    customer = factory.SubFactory(CustomerFactory)
    account_number = factory.Sequence(lambda n: f"A-{n:05d}")
    name = factory.Sequence(lambda n: f"Subscriber {n}")


class ServiceInstanceFactory(DjangoModelFactory):
    """Same customer throughout: the subscriber's; `password` is stored encrypted."""

    class Meta:
        model = "subscribers.ServiceInstance"

    class Params:
        password = "pppoe-secret"

    subscriber = factory.SubFactory(SubscriberFactory)
    customer = factory.SelfAttribute("subscriber.customer")
    plan = factory.SubFactory(ServicePlanFactory, customer=factory.SelfAttribute("..customer"))
    device = factory.SubFactory(DeviceFactory, customer=factory.SelfAttribute("..customer"))
    port = "ge-0/0/1"
    login = factory.Sequence(lambda n: f"user{n}")
    password_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.password))
    password_changed_at = factory.LazyFunction(timezone.now)


# AAA.
class NasFactory(DjangoModelFactory):
    """A RADIUS client on loopback; its secret is the canary unless `secret=...` is given."""

    class Meta:
        model = Nas
        exclude = ("secret",)

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"bng-{n}")
    nasname = factory.Sequence(lambda n: f"127.0.{n // 250 + 10}.{n % 250 + 1}")
    type = "other"
    secret = CANARY
    secret_encrypted = factory.LazyAttribute(lambda s: crypto.encrypt(s.secret))


class RadAcctFactory(DjangoModelFactory):
    """An online accounting session started a minute ago."""

    class Meta:
        model = RadAcct

    customer = factory.SubFactory(CustomerFactory)
    acctsessionid = factory.Sequence(lambda n: f"sess-{n}")
    acctuniqueid = factory.Sequence(lambda n: f"{n:032x}")
    username = factory.Sequence(lambda n: f"sub{n}")
    nasipaddress = "127.0.0.1"
    acctstarttime = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    acctupdatetime = factory.LazyAttribute(lambda s: s.acctstarttime)
    acctinterval = 60
