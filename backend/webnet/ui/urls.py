"""UI routes (namespace `ui`)."""

from django.urls import path

from webnet.ui import (
    audit,
    auth,
    compliance,
    compliance_policies,
    config,
    credentials,
    dashboard,
    deploy,
    devices,
    groups,
    imports,
    job_start,
    jobs,
    members,
    schedules,
    tags,
    tokens,
)

app_name = "ui"


def _crud(prefix: str, plural: str, list_view, form_view, delete_view) -> list:  # type: ignore[no-untyped-def]
    """The four routes every scoped CRUD page has: list, new, edit, delete."""
    return [
        path(f"{plural}/", list_view.as_view(), name=f"{prefix}_list"),
        path(f"{plural}/new/", form_view.as_view(), name=f"{prefix}_create"),
        path(f"{plural}/<int:pk>/edit/", form_view.as_view(), name=f"{prefix}_edit"),
        path(f"{plural}/<int:pk>/delete/", delete_view.as_view(), name=f"{prefix}_delete"),
    ]


urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("customer/switch/", auth.switch_customer, name="switch_customer"),
    *_crud(
        "device",
        "devices",
        devices.DeviceListView,
        devices.DeviceFormView,
        devices.DeviceDeleteView,
    ),
    path("devices/<int:pk>/", devices.DeviceDetailView.as_view(), name="device_detail"),
    path("devices/<int:pk>/config/", config.device_config, name="device_config"),
    path("config/snapshots/<int:pk>/", config.snapshot_detail, name="config_snapshot"),
    path("config/diff/", config.snapshot_diff, name="config_diff"),
    path("config/changes/", config.config_changes, name="config_changes"),
    *_crud(
        "config_template",
        "config/templates",
        config.TemplateListView,
        config.TemplateFormView,
        config.TemplateDeleteView,
    ),
    path(
        "config/templates/<int:pk>/",
        config.TemplatePreviewView.as_view(),
        name="config_template_preview",
    ),
    *_crud(
        "credential",
        "credentials",
        credentials.CredentialListView,
        credentials.CredentialFormView,
        credentials.CredentialDeleteView,
    ),
    *_crud("tag", "tags", tags.TagListView, tags.TagFormView, tags.TagDeleteView),
    *_crud("group", "groups", groups.GroupListView, groups.GroupFormView, groups.GroupDeleteView),
    path("groups/<int:pk>/", groups.GroupMembersView.as_view(), name="group_detail"),
    path("import/", imports.upload, name="import_upload"),
    path("import/commit/", imports.commit, name="import_commit"),
    path("members/", members.member_list, name="member_list"),
    path("members/new/", members.member_add, name="member_add"),
    path("members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("members/<int:pk>/delete/", members.member_delete, name="member_delete"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/new/", tokens.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("devices/<int:pk>/backup/", job_start.device_backup, name="device_backup"),
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/new/", job_start.JobRunView.as_view(), name="job_create"),
    path("jobs/run-commands/", job_start.RunCommandsView.as_view(), name="job_run_commands"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/summary/", jobs.JobSummaryView.as_view(), name="job_summary"),
    path("jobs/<int:pk>/results/", jobs.JobResultsView.as_view(), name="job_results"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancelView.as_view(), name="job_cancel"),
    path("jobs/<int:pk>/rerun/", jobs.JobRerunView.as_view(), name="job_rerun"),
    path("deploy/", deploy.PlanListView.as_view(), name="plan_list"),
    path("deploy/new/", deploy.PlanCreateView.as_view(), name="plan_create"),
    path("deploy/<int:pk>/", deploy.PlanDetailView.as_view(), name="plan_detail"),
    path("deploy/<int:pk>/body/", deploy.PlanBodyView.as_view(), name="plan_body"),
    path("deploy/<int:pk>/confirm/", deploy.PlanConfirmView.as_view(), name="plan_confirm"),
    path("deploy/<int:pk>/commit/", deploy.PlanCommitView.as_view(), name="plan_commit"),
    path("devices/<int:pk>/rollback/", deploy.DeviceRollbackView.as_view(), name="device_rollback"),
    *_crud(
        "schedule",
        "schedules",
        schedules.ScheduleListView,
        schedules.ScheduleFormView,
        schedules.ScheduleDeleteView,
    ),
    path("compliance/", compliance.overview, name="compliance_overview"),
    path("compliance/run/", compliance.run_compliance, name="compliance_run"),
    path("compliance/runs/<int:pk>/", compliance.run_detail, name="compliance_run_detail"),
    path("compliance/devices/<int:pk>/", compliance.device_compliance, name="device_compliance"),
    *_crud(
        "compliance_policy",
        "compliance/policies",
        compliance_policies.PolicyListView,
        compliance_policies.PolicyEditView,
        compliance_policies.PolicyDeleteView,
    ),
    path(
        "compliance/policies/import/",
        compliance_policies.PolicyImportView.as_view(),
        name="compliance_policy_import",
    ),
    path(
        "compliance/policies/<int:pk>/yaml/",
        compliance_policies.policy_yaml_export,
        name="compliance_policy_yaml",
    ),
    *_crud(
        "compliance_waiver",
        "compliance/waivers",
        compliance_policies.WaiverListView,
        compliance_policies.WaiverFormView,
        compliance_policies.WaiverDeleteView,
    ),
]
