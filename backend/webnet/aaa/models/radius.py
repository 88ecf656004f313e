# ruff: noqa: DJ001  (nullable varchar columns are FreeRADIUS's shipped schema)
"""FreeRADIUS's rlm_sql tables, owned by webnet's migrations, plus the NAS registry and CoA log.

Table and column names are those of FreeRADIUS 3.2's shipped schema
(mods-config/sql/main/{sqlite,postgresql}/schema.sql) so its queries run unchanged in shape; every
table gains `customer_id`, and the queries webnet renders (aaa/radiusconf.py) restrict each request
to the customer of the NAS that sent it. Two customers may therefore both have a user "alice".
"""

from django.db import models

from webnet.core import crypto
from webnet.core.models import CustomerOwned, NamedCustomerOwned


class AttributeRow(CustomerOwned):
    """One check or reply attribute row (radcheck, radreply, radgroupcheck, radgroupreply)."""

    attribute = models.CharField(max_length=64, db_default="")
    op = models.CharField(max_length=2, db_default="==")
    value = models.CharField(max_length=253, db_default="")

    class Meta:
        abstract = True
        ordering = ["id"]

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.attribute, self.op, self.value)


class RadCheck(AttributeRow):
    username = models.CharField(max_length=64, db_default="")

    class Meta(AttributeRow.Meta):
        db_table = "radcheck"
        indexes = [models.Index(fields=["customer", "username"], name="check_username")]


class RadReply(AttributeRow):
    username = models.CharField(max_length=64, db_default="")
    op = models.CharField(max_length=2, db_default="=")

    class Meta(AttributeRow.Meta):
        db_table = "radreply"
        indexes = [models.Index(fields=["customer", "username"], name="reply_username")]


class RadGroupCheck(AttributeRow):
    groupname = models.CharField(max_length=64, db_default="")

    class Meta(AttributeRow.Meta):
        db_table = "radgroupcheck"
        indexes = [models.Index(fields=["customer", "groupname"], name="check_groupname")]


class RadGroupReply(AttributeRow):
    groupname = models.CharField(max_length=64, db_default="")
    op = models.CharField(max_length=2, db_default="=")

    class Meta(AttributeRow.Meta):
        db_table = "radgroupreply"
        indexes = [models.Index(fields=["customer", "groupname"], name="reply_groupname")]


class RadUserGroup(CustomerOwned):
    username = models.CharField(max_length=64, db_default="")
    groupname = models.CharField(max_length=64, db_default="")
    priority = models.IntegerField(db_default=1)

    class Meta:
        db_table = "radusergroup"
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["customer", "username"], name="usergroup_username")]


class RadPostAuth(CustomerOwned):
    """FreeRADIUS's post-auth log (Access-Accept / Access-Reject per request)."""

    username = models.CharField(max_length=64, db_default="")
    password = models.CharField(max_length=64, db_column="pass", db_default="")
    reply = models.CharField(max_length=32, db_default="")
    authdate = models.DateTimeField()
    class_attr = models.CharField(max_length=64, db_column="class", null=True, blank=True)

    class Meta:
        db_table = "radpostauth"
        ordering = ["-authdate", "-id"]
        indexes = [
            models.Index(fields=["customer", "username"], name="radpostauth_username"),
        ]


class Nas(NamedCustomerOwned):
    """A RADIUS client (BNG, NAS) of one customer: the clients FreeRADIUS loads are rendered from
    these rows. The secret is a MultiFernet ciphertext (so FreeRADIUS's `read_clients` is off); it
    is decrypted only to render clients.conf and to sign CoA/Disconnect requests."""

    audit_masked_fields = ("secret_encrypted",)
    encrypted_fields = audit_masked_fields

    nasname = models.CharField(max_length=128, unique=True, help_text="source address")
    shortname = models.CharField(max_length=32, null=True, blank=True)
    type = models.CharField(max_length=30, db_default="other", default="other")
    ports = models.IntegerField(null=True, blank=True)
    secret_encrypted = models.TextField(db_column="secret", editable=False)
    server = models.CharField(max_length=64, null=True, blank=True)
    community = models.CharField(max_length=50, null=True, blank=True)
    description = models.CharField(max_length=200, default="RADIUS Client", blank=True)
    coa_port = models.PositiveIntegerField(default=3799)

    class Meta(NamedCustomerOwned.Meta):
        db_table = "nas"

    def __str__(self) -> str:
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def set_secret(self, plaintext: str) -> None:
        self.secret_encrypted = crypto.encrypt(plaintext)

    def reveal_secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)


class RadAcct(CustomerOwned):
    """One accounting session; online while `acctstoptime` is null. Never deleted by webnet."""

    radacctid = models.BigAutoField(primary_key=True)
    acctsessionid = models.CharField(max_length=64, db_default="")
    acctuniqueid = models.CharField(max_length=32, unique=True, db_default="")
    username = models.CharField(max_length=64, db_default="")
    realm = models.CharField(max_length=64, null=True, blank=True, db_default="")
    nasipaddress = models.CharField(max_length=15, db_default="")
    nasportid = models.CharField(max_length=32, null=True, blank=True)
    nasporttype = models.CharField(max_length=32, null=True, blank=True)
    acctstarttime = models.DateTimeField(null=True, blank=True)
    acctupdatetime = models.DateTimeField(null=True, blank=True)
    acctstoptime = models.DateTimeField(null=True, blank=True)
    acctinterval = models.IntegerField(null=True, blank=True)
    acctsessiontime = models.IntegerField(null=True, blank=True)
    acctauthentic = models.CharField(max_length=32, null=True, blank=True)
    connectinfo_start = models.CharField(max_length=128, null=True, blank=True)
    connectinfo_stop = models.CharField(max_length=128, null=True, blank=True)
    acctinputoctets = models.BigIntegerField(null=True, blank=True)
    acctoutputoctets = models.BigIntegerField(null=True, blank=True)
    calledstationid = models.CharField(max_length=50, db_default="")
    callingstationid = models.CharField(max_length=50, db_default="")
    acctterminatecause = models.CharField(max_length=32, db_default="")
    servicetype = models.CharField(max_length=32, null=True, blank=True)
    framedprotocol = models.CharField(max_length=32, null=True, blank=True)
    framedipaddress = models.CharField(max_length=15, db_default="")
    framedipv6address = models.CharField(max_length=45, db_default="")
    framedipv6prefix = models.CharField(max_length=45, db_default="")
    framedinterfaceid = models.CharField(max_length=44, db_default="")
    delegatedipv6prefix = models.CharField(max_length=45, db_default="")
    class_attr = models.CharField(max_length=64, db_column="class", null=True, blank=True)

    class Meta:
        db_table = "radacct"
        ordering = ["-acctstarttime", "-radacctid"]
        indexes = [
            models.Index(fields=["customer", "username"], name="radacct_username"),
            models.Index(fields=["acctsessionid"], name="acctsessionid"),
            models.Index(fields=["acctstarttime"], name="acctstarttime"),
            models.Index(fields=["acctstoptime"], name="acctstoptime"),
            models.Index(fields=["nasipaddress"], name="nasipaddress"),
            models.Index(fields=["framedipaddress"], name="framedipaddress"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.nasipaddress} {self.acctsessionid}"

    @property
    def online(self) -> bool:
        return self.acctstoptime is None


class CoaAttempt(CustomerOwned):
    """One CoA-Request or Disconnect-Request to a NAS and what came of it (the audit of CoA)."""

    class Kind(models.TextChoices):
        COA = "coa", "CoA"
        DISCONNECT = "disconnect", "Disconnect"

    class Outcome(models.TextChoices):
        ACK = "ack", "ACK"
        NAK = "nak", "NAK"
        TIMEOUT = "timeout", "timeout"

    session = models.ForeignKey(RadAcct, on_delete=models.CASCADE, related_name="coa_attempts")
    nas = models.ForeignKey(Nas, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    attributes = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error_cause = models.IntegerField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.session_id} {self.outcome}"
