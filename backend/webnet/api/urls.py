"""/api/v1/ routes."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from webnet.api.aaa import (
    CoaAttemptViewSet,
    NasViewSet,
    RadCheckViewSet,
    RadPostAuthViewSet,
    RadReplyViewSet,
    RadUserGroupViewSet,
    SessionViewSet,
)
from webnet.api.alarms import (
    AlarmRuleViewSet,
    AlarmViewSet,
    EventViewSet,
    InboundWebhookView,
    InhibitRuleViewSet,
    SilenceViewSet,
    WebhookTokenViewSet,
)
from webnet.api.announcements import AnnouncementViewSet, StatusPageViewSet
from webnet.api.audit import AuditEventViewSet
from webnet.api.compliance import (
    CompliancePolicyViewSet,
    ComplianceResultViewSet,
    ComplianceRunViewSet,
    ComplianceSummaryView,
    ComplianceWaiverViewSet,
    RemediationView,
)
from webnet.api.config import (
    BackupStateViewSet,
    ConfigSnapshotViewSet,
    ConfigTemplateViewSet,
    TemplateVariablesViewSet,
)
from webnet.api.customers import CustomerViewSet, InvitationViewSet, MembershipViewSet
from webnet.api.deploy import ApprovalPolicyViewSet, ChangePlanViewSet
from webnet.api.devices import (
    CredentialViewSet,
    DeviceGroupViewSet,
    DeviceViewSet,
    SSHHostKeyViewSet,
    TagViewSet,
)
from webnet.api.incidents import IncidentRuleViewSet, IncidentViewSet
from webnet.api.jobs import JobViewSet, KindsView, ScheduleViewSet
from webnet.api.locations import LocationViewSet, RackViewSet, RegionViewSet, SiteViewSet
from webnet.api.maintenance import (
    CalendarTokenViewSet,
    FreezeWindowViewSet,
    MaintenanceWindowViewSet,
    ScheduledChangeViewSet,
)
from webnet.api.monitoring import (
    AvailabilityView,
    DeviceMonitoringViewSet,
    DeviceStateViewSet,
    InterfaceViewSet,
    PollProfileViewSet,
    SeriesView,
    SnmpCredentialViewSet,
)
from webnet.api.networkops import (
    CustomerIPRangeViewSet,
    DeviceParentViewSet,
    DiscoveryCandidateViewSet,
    TopologyLinkViewSet,
)
from webnet.api.notifications import (
    DeliveryViewSet,
    InboxViewSet,
    NotificationPreferenceViewSet,
    NotificationTemplateViewSet,
    RoutingRuleViewSet,
    SinkViewSet,
)
from webnet.api.oncall import (
    BusinessCalendarViewSet,
    EscalationChainViewSet,
    EscalationStepViewSet,
    OnCallScheduleViewSet,
    OverrideViewSet,
    RotationMemberViewSet,
    RotationViewSet,
    SlaPolicyViewSet,
    TeamViewSet,
)
from webnet.api.rooms import RoomViewSet
from webnet.api.subscribers import (
    BillingView,
    ProvisioningPlanViewSet,
    ServiceInstanceViewSet,
    ServicePlanViewSet,
    SubscriberViewSet,
)
from webnet.api.terminal import TerminalSessionViewSet
from webnet.api.timeline import IncidentTimelineView
from webnet.api.users import APITokenViewSet, UserViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet)
router.register("memberships", MembershipViewSet)
router.register("invitations", InvitationViewSet)
router.register("users", UserViewSet)
router.register("tokens", APITokenViewSet)
router.register("credentials", CredentialViewSet)
router.register("devices", DeviceViewSet)
router.register("tags", TagViewSet)
router.register("device-groups", DeviceGroupViewSet)
router.register("ssh-host-keys", SSHHostKeyViewSet)
router.register("regions", RegionViewSet)
router.register("sites", SiteViewSet)
router.register("locations", LocationViewSet)
router.register("racks", RackViewSet)
router.register("audit-events", AuditEventViewSet)
router.register("jobs", JobViewSet)
router.register("schedules", ScheduleViewSet)
router.register("change-plans", ChangePlanViewSet)
router.register("approval-policies", ApprovalPolicyViewSet)
router.register("announcements", AnnouncementViewSet)
router.register("status-pages", StatusPageViewSet)
router.register("config-snapshots", ConfigSnapshotViewSet)
router.register("backup-states", BackupStateViewSet)
router.register("config-templates", ConfigTemplateViewSet)
router.register("template-variables", TemplateVariablesViewSet)
router.register("compliance-policies", CompliancePolicyViewSet)
router.register("compliance-waivers", ComplianceWaiverViewSet)
router.register("compliance-runs", ComplianceRunViewSet)
router.register("compliance-results", ComplianceResultViewSet)
router.register("topology-links", TopologyLinkViewSet)
router.register("ip-ranges", CustomerIPRangeViewSet)
router.register("discovery-candidates", DiscoveryCandidateViewSet)
router.register("terminal-sessions", TerminalSessionViewSet)
router.register("device-parents", DeviceParentViewSet)
router.register("poll-profiles", PollProfileViewSet)
router.register("snmp-credentials", SnmpCredentialViewSet)
router.register("device-monitoring", DeviceMonitoringViewSet)
router.register("device-states", DeviceStateViewSet)
router.register("interfaces", InterfaceViewSet)
router.register("events", EventViewSet)
router.register("alarms", AlarmViewSet)
router.register("alarm-rules", AlarmRuleViewSet)
router.register("silences", SilenceViewSet)
router.register("inhibit-rules", InhibitRuleViewSet)
router.register("webhook-tokens", WebhookTokenViewSet)
router.register("rooms", RoomViewSet)
router.register("notification-sinks", SinkViewSet)
router.register("routing-rules", RoutingRuleViewSet)
router.register("notification-templates", NotificationTemplateViewSet)
router.register("notification-preferences", NotificationPreferenceViewSet)
router.register("deliveries", DeliveryViewSet)
router.register("inbox", InboxViewSet)
router.register("incidents", IncidentViewSet)
router.register("incident-rules", IncidentRuleViewSet)
router.register("teams", TeamViewSet)
router.register("sla-policies", SlaPolicyViewSet)
router.register("business-calendars", BusinessCalendarViewSet)
router.register("escalation-chains", EscalationChainViewSet)
router.register("escalation-steps", EscalationStepViewSet)
router.register("oncall-schedules", OnCallScheduleViewSet)
router.register("rotations", RotationViewSet)
router.register("rotation-members", RotationMemberViewSet)
router.register("oncall-overrides", OverrideViewSet)
router.register("maintenance-windows", MaintenanceWindowViewSet)
router.register("freeze-windows", FreezeWindowViewSet)
router.register("scheduled-changes", ScheduledChangeViewSet)
router.register("calendar-tokens", CalendarTokenViewSet)
router.register("nas", NasViewSet)
router.register("radius-sessions", SessionViewSet)
router.register("coa-attempts", CoaAttemptViewSet)
router.register("radius-check", RadCheckViewSet)
router.register("radius-reply", RadReplyViewSet)
router.register("radius-user-groups", RadUserGroupViewSet)
router.register("radius-post-auth", RadPostAuthViewSet)
router.register("service-plans", ServicePlanViewSet)
router.register("subscribers", SubscriberViewSet)
router.register("services", ServiceInstanceViewSet)
router.register("provisioning-plans", ProvisioningPlanViewSet)

app_name = "api"
urlpatterns = [
    path("job-kinds/", KindsView.as_view(), name="job-kinds"),
    path("compliance/summary/", ComplianceSummaryView.as_view(), name="compliance-summary"),
    path("compliance/remediation/", RemediationView.as_view(), name="compliance-remediation"),
    path("monitoring/series/", SeriesView.as_view(), name="monitoring-series"),
    path("monitoring/availability/", AvailabilityView.as_view(), name="monitoring-availability"),
    path("inbound-events/", InboundWebhookView.as_view(), name="inbound-events"),
    path("billing/requests/", BillingView.as_view(), name="billing-requests"),
    path("incidents/<int:pk>/timeline/", IncidentTimelineView.as_view(), name="incident-timeline"),
    *router.urls,
]
