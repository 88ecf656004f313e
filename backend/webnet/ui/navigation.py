"""The sidebar: links grouped by what an engineer is doing (NOC floor, planning, automation,
inventory, alerting setup, administration), each link shown only to the roles that may use it.
The template opens the group that holds the current page; the rest stay collapsed."""

from dataclasses import dataclass, field
from enum import Enum


class Needs(Enum):
    """What the user must have for a link to be shown (the pages check again on their own)."""

    LOGIN = "login"
    CUSTOMER = "customer"
    RUN_JOBS = "run_jobs"
    ADMIN = "admin"
    AUDIT = "audit"


@dataclass(frozen=True)
class Link:
    url_name: str
    key: str  # the `nav` a page puts in its context to mark this link active
    label: str
    needs: Needs = Needs.CUSTOMER


@dataclass(frozen=True)
class Group:
    title: str
    links: tuple[Link, ...]
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(link.key for link in self.links))


GROUPS: tuple[Group, ...] = (
    Group(
        "NOC",
        (
            Link("ui:alarm_console", "alarms", "Alarms"),
            Link("ui:incident_list", "incidents", "Incidents"),
            Link("ui:oncall", "oncall", "On call"),
            Link("ui:room_list", "rooms", "Rooms"),
            Link("ui:subscriber_list", "subscribers", "Subscribers"),
            Link("ui:radius_session_list", "radius_sessions", "RADIUS sessions", Needs.LOGIN),
        ),
    ),
    Group(
        "Planning",
        (
            Link("ui:calendar", "maintenance", "Maintenance"),
            Link("ui:freeze_list", "freezes", "Freeze windows"),
            Link("ui:scheduled_change_list", "scheduled_changes", "Scheduled changes"),
            Link("ui:announcement_list", "announcements", "Announcements"),
            Link("ui:status_settings", "status_settings", "Status page"),
            Link("ui:calendar_feed_list", "calendar_feeds", "Calendar feeds", Needs.ADMIN),
        ),
    ),
    Group(
        "Automation",
        (
            Link("ui:job_list", "jobs", "Jobs"),
            Link("ui:job_run_commands", "run_commands", "Run commands", Needs.RUN_JOBS),
            Link("ui:schedule_list", "schedules", "Schedules"),
            Link("ui:plan_list", "deploy", "Deploy"),
            Link("ui:config_changes", "config_changes", "Config changes"),
            Link("ui:config_template_list", "config_templates", "Config templates"),
            Link("ui:compliance_overview", "compliance", "Compliance"),
            Link("ui:terminal_sessions", "terminal_sessions", "Terminal sessions", Needs.ADMIN),
        ),
    ),
    Group(
        "Inventory",
        (
            Link("ui:device_list", "devices", "Devices"),
            Link("ui:location_tree", "locations", "Locations"),
            Link("ui:topology", "topology", "Topology"),
            Link("ui:tag_list", "tags", "Tags"),
            Link("ui:group_list", "groups", "Groups"),
            Link("ui:credential_list", "credentials", "Credentials"),
            Link("ui:import_upload", "import", "Import", Needs.ADMIN),
            Link("ui:onboarding", "onboarding", "Onboarding", Needs.ADMIN),
        ),
    ),
    Group(
        "Alerting setup",
        (
            Link("ui:team_list", "teams", "Teams"),
            Link("ui:oncall_schedule_list", "oncall_schedules", "On-call schedules"),
            Link("ui:escalation_chain_list", "escalation_chains", "Escalation chains"),
            Link("ui:sla_policy_list", "sla_policies", "SLA policies"),
            Link("ui:incident_rule_list", "incident_rules", "Incident rules"),
            Link("ui:sink_list", "notification_sinks", "Notification sinks", Needs.LOGIN),
            Link("ui:routing_rule_list", "routing_rules", "Routing rules", Needs.LOGIN),
            Link(
                "ui:notification_template_list",
                "notification_templates",
                "Notification templates",
                Needs.LOGIN,
            ),
            Link("ui:delivery_list", "deliveries", "Deliveries", Needs.LOGIN),
        ),
    ),
    Group(
        "Administration",
        (
            Link("ui:member_list", "members", "Members", Needs.ADMIN),
            Link("ui:token_list", "tokens", "API tokens", Needs.LOGIN),
            Link("ui:audit_list", "audit", "Audit log", Needs.AUDIT),
        ),
    ),
)


def sidebar(*, has_customer: bool, can_run_jobs: bool, can_admin: bool, is_staff: bool) -> list:
    """The groups with the links this user may see; groups left empty are dropped."""
    allowed = {
        Needs.LOGIN: True,
        Needs.CUSTOMER: has_customer,
        Needs.RUN_JOBS: has_customer and can_run_jobs,
        Needs.ADMIN: has_customer and can_admin,
        Needs.AUDIT: can_admin or is_staff,
    }
    groups = []
    for group in GROUPS:
        links = tuple(link for link in group.links if allowed[link.needs])
        if links:
            groups.append(Group(group.title, links))
    return groups
