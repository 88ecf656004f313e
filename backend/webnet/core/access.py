"""The single role → action table, and who holds which role where.

Permissions are decided by resource and action (view/add/change/delete or a named action such as
`change_binding`), never by HTTP method. A superuser (platform staff) may do everything everywhere.
API tokens can narrow a user: to one customer, and/or to read-only (viewer) — see `effective_roles`.
"""

from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerChoices

from webnet.core.context import current
from webnet.customers.roles import Role


class Level(IntegerChoices):
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3
    STAFF = 4  # superusers only


RANK = {Role.VIEWER: Level.VIEWER, Role.OPERATOR: Level.OPERATOR, Role.ADMIN: Level.ADMIN}

# resource → action → the least role that may do it.
TABLE: dict[str, dict[str, Level]] = {
    "customer": {
        "view": Level.VIEWER,
        "add": Level.STAFF,
        "change": Level.ADMIN,
        "delete": Level.STAFF,
    },
    "membership": {
        "view": Level.ADMIN,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "invitation": {"view": Level.ADMIN, "add": Level.ADMIN, "delete": Level.ADMIN},
    "user": {"view": Level.ADMIN, "add": Level.ADMIN, "change": Level.STAFF, "delete": Level.STAFF},
    "credential": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    # Adding a device binds a host and a credential, so it is admin-only like change_binding.
    "device": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.OPERATOR,
        "change_binding": Level.ADMIN,
        "delete": Level.ADMIN,
        "import": Level.ADMIN,
    },
    "tag": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    "devicegroup": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    "sshhostkey": {"view": Level.VIEWER, "delete": Level.ADMIN},
    # Locations: the customer's geography; memberships may be scoped to a part of it.
    **{
        resource: {
            "view": Level.VIEWER,
            "add": Level.ADMIN,
            "change": Level.ADMIN,
            "delete": Level.ADMIN,
        }
        for resource in ("region", "site", "location", "rack")
    },
    "auditevent": {"view": Level.ADMIN},
    "job": {"view": Level.VIEWER, "add": Level.OPERATOR, "cancel": Level.OPERATOR},
    "joblog": {"view": Level.VIEWER},
    "jobdeviceresult": {"view": Level.VIEWER},
    "changeplan": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "confirm": Level.OPERATOR,
        "commit": Level.OPERATOR,
        # The approval policy may ask more of approvers (approver_role); four eyes always.
        "submit": Level.OPERATOR,
        "approve": Level.OPERATOR,
        "reject": Level.OPERATOR,
        "override": Level.ADMIN,  # pass an overridable freeze/conflict finding, with a reason
    },
    "plandevice": {"view": Level.VIEWER},
    "approvalpolicy": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "planapproval": {"view": Level.VIEWER},
    "schedule": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    # Config management: viewers see configs with secrets masked; admins see them raw.
    "configsnapshot": {"view": Level.VIEWER, "view_secrets": Level.ADMIN},
    "backupstate": {"view": Level.VIEWER},
    "configtemplate": {
        "view": Level.VIEWER,
        "render": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    "templatevariables": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    # Compliance: rules and fixtures are part of their policy's resource.
    "compliancepolicy": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "compliancewaiver": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "compliancerun": {"view": Level.VIEWER},
    "complianceresult": {"view": Level.VIEWER},
    # Terminal, topology and onboarding (networkops).
    "terminal": {"open": Level.OPERATOR},
    "terminalsession": {"view": Level.ADMIN},
    "topologylink": {"view": Level.VIEWER, "clear": Level.ADMIN},
    "customeriprange": {
        "view": Level.ADMIN,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
        "scan": Level.ADMIN,
    },
    # Approving a candidate creates a device bound to a credential: admin, like device.add.
    "discoverycandidate": {"view": Level.ADMIN, "approve": Level.ADMIN, "reject": Level.ADMIN},
    "deviceparent": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    # Alarms: operators acknowledge, clear, shelve and silence; admins write rules and tokens.
    "event": {"view": Level.VIEWER},
    "alarm": {
        "view": Level.VIEWER,
        "acknowledge": Level.OPERATOR,
        "clear": Level.OPERATOR,
        "shelve": Level.OPERATOR,
    },
    "alarmrule": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "inhibitrule": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "silence": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    # Monitoring: profiles and SNMP credentials are admin (they decide where a community goes).
    "pollprofile": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "snmpcredential": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "devicemonitoring": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "devicestate": {"view": Level.VIEWER},
    "interface": {"view": Level.VIEWER},
    "statetransition": {"view": Level.VIEWER},
    "sample": {"view": Level.VIEWER},
    "rollup": {"view": Level.VIEWER},
    "webhooktoken": {"view": Level.ADMIN, "add": Level.ADMIN, "revoke": Level.ADMIN},
    # Notifications: sinks hold secrets and routing decides who is paged, so admins shape them;
    # everyone reads their own inbox and preferences; operators retry and test deliveries.
    "sink": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
        "test": Level.OPERATOR,
    },
    "routingrule": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "notificationtemplate": {
        "view": Level.VIEWER,
        "preview": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "notificationpreference": {
        "view": Level.VIEWER,
        "add": Level.VIEWER,
        "change": Level.VIEWER,
        "delete": Level.VIEWER,
    },
    "outboxmessage": {"view": Level.VIEWER},
    "delivery": {"view": Level.VIEWER, "retry": Level.OPERATOR},
    "inboxitem": {"view": Level.VIEWER, "change": Level.VIEWER},
    # Maintenance: the NOC's operators plan windows and schedule changes into them; freezes
    # (and overriding one) and the calendar feed's tokens are the customer admin's.
    "maintenancewindow": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
        "end": Level.OPERATOR,
    },
    "freezewindow": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
        "override": Level.ADMIN,
    },
    "scheduledchange": {"view": Level.VIEWER, "add": Level.OPERATOR, "cancel": Level.OPERATOR},
    "calendartoken": {"view": Level.ADMIN, "add": Level.ADMIN, "revoke": Level.ADMIN},
    # Maintenance: operators post notices; the status page (who may read it) is admin.
    "announcement": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    "announcementupdate": {"view": Level.VIEWER},
    "statuspage": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
        "rotate_token": Level.ADMIN,
    },
    # Incidents: operators open and work them; admins shape rules, SLAs, chains and schedules;
    # operators swap on-call shifts with overrides. The log and clocks are read-only records.
    "incident": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "acknowledge": Level.OPERATOR,
    },
    "incidentevent": {"view": Level.VIEWER},
    "slaclockstate": {"view": Level.VIEWER},
    "escalationrun": {"view": Level.VIEWER},
    "escalationrunstep": {"view": Level.VIEWER},
    **{
        resource: {
            "view": Level.VIEWER,
            "add": Level.ADMIN,
            "change": Level.ADMIN,
            "delete": Level.ADMIN,
        }
        for resource in (
            "team",
            "incidentrule",
            "slapolicy",
            "businesscalendar",
            "escalationchain",
            "escalationstep",
            "oncallschedule",
            "rotation",
            "rotationmember",
        )
    },
    "override": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.OPERATOR,
    },
    # Rooms: the gate's role plus room membership (incidents.rooms); any member may talk,
    # operators open channels and threads and manage members; revisions are the audit trail.
    "room": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.ADMIN,
    },
    "roommember": {"view": Level.VIEWER, "add": Level.OPERATOR, "delete": Level.OPERATOR},
    "message": {"view": Level.VIEWER, "add": Level.VIEWER, "moderate": Level.ADMIN},
    "messagerevision": {"view": Level.ADMIN},
    "readmarker": {"view": Level.VIEWER, "change": Level.VIEWER},
    "attachment": {"view": Level.VIEWER, "add": Level.VIEWER},
    # Subscribers: plans shape what is pushed to devices (admin); operators run the services
    # (create, suspend, restore, change plan: each pushes through the deploy engine).
    "serviceplan": {
        "view": Level.VIEWER,
        "add": Level.ADMIN,
        "change": Level.ADMIN,
        "delete": Level.ADMIN,
    },
    "subscriber": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.ADMIN,
        "import": Level.OPERATOR,
    },
    "serviceinstance": {
        "view": Level.VIEWER,
        "add": Level.OPERATOR,
        "change": Level.OPERATOR,
        "delete": Level.ADMIN,
        "provision": Level.OPERATOR,
    },
    "provisioningplan": {"view": Level.VIEWER},
    # AAA: a NAS binds an address to a secret, so admins shape the registry; operators change
    # and end sessions; FreeRADIUS's user rows (passwords masked) are read by admins only.
    "nas": {"view": Level.VIEWER, "add": Level.ADMIN, "change": Level.ADMIN, "delete": Level.ADMIN},
    "radacct": {"view": Level.VIEWER, "coa": Level.OPERATOR, "disconnect": Level.OPERATOR},
    "coaattempt": {"view": Level.VIEWER},
    **{
        resource: {"view": Level.ADMIN}
        for resource in (
            "radcheck",
            "radreply",
            "radgroupcheck",
            "radgroupreply",
            "radusergroup",
            "radpostauth",
        )
    },
}


ALL = None  # sentinel returned by customer_ids(): every customer

# What spans the whole customer: a membership limited to a location subtree never manages these
# (a region's admin must not grant a role over all of the customer, nor lift their own scope).
WHOLE_CUSTOMER = {"membership": None, "invitation": None, "customer": {"change"}}


class UnknownPermission(LookupError):
    """A resource/action pair missing from TABLE: a programming error, never a silent allow."""


def required_level(resource: str, action: str) -> Level:
    try:
        return TABLE[resource][action]
    except KeyError as exc:
        raise UnknownPermission(f"{resource}.{action}") from exc


Scope = tuple[str, int]  # (node kind, node id) of a membership limited to a location subtree


def effective_roles(user: Any) -> dict[int, Level]:
    """customer id → level for an authenticated user, narrowed by the API token in use.

    A page asks the gate many times (middleware, views, navigation), so the answer is kept on the
    user object for the current request only (keyed by its request id); outside a request —
    jobs, commands — every call asks the database.
    """
    return _access(user)[0]


def location_scopes(user: Any) -> dict[int, Scope]:
    """customer id → (node kind, node id) where the user's membership is limited to a location
    subtree (read with the roles, in the same query; kept the same way). Staff are never scoped.
    """
    return _access(user)[1]


def standing(user: Any) -> tuple[dict[int, Level], dict[int, Scope]]:
    """effective_roles and location_scopes from one read: what every answer of the gate for
    `user` is computed from (with the user's own flags), for a caller that keeps an answer while
    these stay the same."""
    return _access(user)


def _access(user: Any) -> tuple[dict[int, Level], dict[int, Scope]]:
    request_id = current.get().request_id
    cached = getattr(user, "_webnet_access", None)
    if request_id and cached is not None and cached[0] == request_id:
        return cached[1]
    loaded = _load_access(user)
    if request_id and user is not None:
        user._webnet_access = (request_id, loaded)
    return loaded


def _load_access(user: Any) -> tuple[dict[int, Level], dict[int, Scope]]:
    roles: dict[int, Level] = {}
    scopes: dict[int, Scope] = {}
    if user is not None and user.is_authenticated and user.is_active:
        token = getattr(user, "api_token", None)
        for row in _memberships(user)[0]:
            level = RANK[Role(row.role)]
            if token is not None and token.read_only:
                level = Level.VIEWER
            if token is not None and token.customer_id and token.customer_id != row.customer_id:
                continue
            roles[row.customer_id] = level
            if row.scope is not None and not user.is_superuser:
                scopes[row.customer_id] = row.scope
    return roles, scopes


class Row(NamedTuple):
    customer_id: int
    role: str
    name: str  # the customer's
    scope: Scope | None


def _memberships(user: Any) -> tuple[list[Row], list[Row]]:
    """The user's memberships in active customers: (those that count, those withheld).

    A customer that requires TOTP of its admins withholds its admin memberships from a user who
    has not enrolled — that customer only: the user's other customers are untouched. (A session
    of an enrolled user always passed the second factor: users.sessions ends any other.)
    """
    from webnet.customers.models import Membership  # models import the gate's querysets

    kinds = Membership.SCOPE_FIELDS
    rows = Membership.objects.filter(user_id=user.pk, customer__is_active=True).values_list(
        "customer_id",
        "role",
        "customer__name",
        "customer__require_admin_totp",
        *(f"{name}_id" for name in kinds.values()),
    )
    counted: list[Row] = []
    held: list[Row] = []
    enrolled: bool | None = None
    for customer_id, role, name, requires_totp, *node_ids in rows:
        scope = next(((k, n) for k, n in zip(kinds, node_ids, strict=True) if n), None)
        row = Row(customer_id, role, name, scope)
        if requires_totp and role == Role.ADMIN:
            if enrolled is None:
                enrolled = has_second_factor(user)
            if not enrolled:
                held.append(row)
                continue
        counted.append(row)
    return counted, held


def has_second_factor(user: Any) -> bool:
    """The user has a confirmed TOTP device (read through the relation: core imports no users)."""
    users = get_user_model()._default_manager
    return users.filter(pk=user.pk, totp_device__confirmed_at__isnull=False).exists()


def withheld_customers(user: Any) -> dict[int, str]:
    """id → name of the customers whose second-factor rule keeps `user` out until they enrol."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    return {row.customer_id: row.name for row in _memberships(user)[1]}


def is_staff(user: Any) -> bool:
    """Platform staff acting with full power (a superuser not narrowed by an API token)."""
    if user is None or not user.is_authenticated or not user.is_superuser or not user.is_active:
        return False
    token = getattr(user, "api_token", None)
    return token is None or (not token.read_only and not token.customer_id)


def _staff_token_ids(user: Any, needed: Level) -> set[int] | None:
    """A superuser's narrowed token: one customer at full power, or everything read-only."""
    token = user.api_token
    ceiling = Level.VIEWER if token.read_only else Level.STAFF
    if needed > ceiling:
        return set()
    return {token.customer_id} if token.customer_id else ALL


def customer_ids(user: Any, resource: str, action: str) -> set[int] | None:
    """Customer ids where `user` may do `action` on `resource`; ALL (None) for staff."""
    needed = required_level(resource, action)
    if is_staff(user):
        return ALL
    if user is not None and user.is_authenticated and user.is_superuser and user.is_active:
        return _staff_token_ids(user, needed)
    if needed == Level.STAFF:
        return set()
    ids = {cid for cid, level in effective_roles(user).items() if level >= needed}
    if resource in WHOLE_CUSTOMER and action in (WHOLE_CUSTOMER[resource] or {action}):
        ids -= set(location_scopes(user))
    return ids


def can(user: Any, resource: str, action: str, customer_id: int | None) -> bool:
    allowed = customer_ids(user, resource, action)
    return allowed is ALL or (customer_id is not None and customer_id in allowed)


def require(
    user: Any, resource: str, action: str, customer_id: int | None, doing: str = "this action"
) -> None:
    """What every service checks first: PermissionDenied (a 403) unless `can`; `doing` names the
    step in the message ("booking this change")."""
    if not can(user, resource, action, customer_id):
        raise PermissionDenied(f"Your role in this customer does not allow {doing}.")


def can_anywhere(user: Any, resource: str, action: str) -> bool:
    allowed = customer_ids(user, resource, action)
    return allowed is ALL or bool(allowed)
