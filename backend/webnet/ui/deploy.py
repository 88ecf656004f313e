"""The deploy wizard: new change → plan (preview) → confirm by hash → commit → per-device result.

Why the hash travels in the form: the confirm button carries the content hash computed from the
very rows the page rendered, so `confirm_plan` approves exactly the diff the confirmer saw and
refuses if the plan changed in between. The plan body is one partial that HTMX re-fetches every
2 s while its preview or commit job is queued or running.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from webnet.config_mgmt import deploy, review
from webnet.config_mgmt.approvals import PlanApproval
from webnet.config_mgmt.models import ConfigSnapshot
from webnet.config_mgmt.plans import (
    ChangePlan,
    PlanDevice,
    PlanDeviceStatus,
    PlanStatus,
    content_hash,
)
from webnet.config_mgmt.redact import Redactor
from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.devices.models import Device
from webnet.jobs.models import Job, JobStatus
from webnet.ui.crud import ScopedListView, ScopedMixin, active_customer, require, scoped
from webnet.ui.errors import get_or_404
from webnet.ui.forms.deploy import MODE_TEMPLATE, ChangeForm, PlanFilterSet
from webnet.ui.forms.jobs import add_job_errors, initial_from_query

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
ROLLBACK_SNAPSHOTS = 50
ROW_BADGES: dict[str, str] = {
    PlanDeviceStatus.READY: "badge-yellow",
    PlanDeviceStatus.DEPLOYED: "badge-green",
    PlanDeviceStatus.PREVIEW_FAILED: "badge-red",
    PlanDeviceStatus.FAILED: "badge-red",
    PlanDeviceStatus.ROLLED_BACK: "badge-red",
    PlanDeviceStatus.ROLLBACK_FAILED: "badge-red",
}


class PlanMixin(ScopedMixin):
    model = ChangePlan
    nav = "deploy"
    url_prefix = "plan"
    title_plural = "Change plans"

    def get_plan(self, pk: int) -> ChangePlan:
        """The plan if visible in the active customer, else 404 (never 403)."""
        queryset = self.queryset("view").select_related(
            "preview_job", "commit_job", "created_by", "confirmed_by", "scheduled_by"
        )
        return cast(ChangePlan, get_or_404(self.request, queryset, pk))


def _is_active(job: Job | None) -> bool:
    return job is not None and job.status in ACTIVE


def diff_lines(text: str) -> list[tuple[str, str]]:
    """A unified diff as (css class, line): additions green, removals red, hunks muted."""
    styled = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            css = "font-semibold text-slate-500"
        elif line.startswith("+"):
            css = "bg-emerald-50 text-emerald-700"
        elif line.startswith("-"):
            css = "bg-red-50 text-red-700"
        elif line.startswith("@@"):
            css = "text-sky-700"
        else:
            css = "text-slate-600"
        styled.append((css, line))
    return styled


def _stage(plan: ChangePlan) -> str:
    """The plan's status as the user should read it (a finished preview is "previewed")."""
    if (
        plan.status == PlanStatus.PREVIEWING
        and plan.preview_job
        and not _is_active(plan.preview_job)
    ):
        return PlanStatus.PREVIEWED
    return plan.status


def plan_context(request: HttpRequest, plan: ChangePlan, **extra: Any) -> dict[str, Any]:
    """Everything the plan body shows; the hash is computed from the rows rendered here."""
    customer_id = active_customer(request).pk
    rows: list[PlanDevice] = deploy.plan_rows(plan)
    digest = content_hash(rows)
    ready = [row for row in rows if row.status == PlanDeviceStatus.READY]
    preview_done = plan.preview_job is not None and plan.preview_job.is_finished
    stage = _stage(plan)
    needed = review.approvals_needed(plan)
    draft = stage in (PlanStatus.PREVIEWING, PlanStatus.PREVIEWED) and preview_done
    confirmable = (stage == PlanStatus.APPROVED if needed else draft) and preview_done
    redactor = Redactor(request.user)
    shown = [
        # Commands, diff and message quote configuration (a rollback's whole one): masked.
        redactor.value(plan.customer_id, [row.commands, row.diff, row.message], row.device.platform)
        for row in rows
    ]
    return {
        "plan": plan,
        "stage": stage,
        "stage_label": PlanStatus(stage).label,
        "rows": [
            (row, commands, diff_lines(diff), message, ROW_BADGES.get(row.status, "badge-gray"))
            for row, (commands, diff, message) in zip(rows, shown, strict=True)
        ],
        "ready_count": len(ready),
        "content_hash": digest,
        "is_active": _is_active(plan.preview_job) or _is_active(plan.commit_job),
        "committing": _is_active(plan.commit_job),
        "can_confirm": confirmable
        and bool(ready)
        and access.can(request.user, "changeplan", "confirm", customer_id),
        "nothing_to_change": (draft or confirmable) and not ready,
        **approval_context(request, plan, needed, draft and bool(ready)),
        "can_commit": plan.status == PlanStatus.CONFIRMED
        and access.can(request.user, "changeplan", "commit", customer_id),
        "can_book": access.can(request.user, "changeplan", "commit", customer_id),
        "can_override": access.can(request.user, "changeplan", "override", customer_id),
        **extra,
    }


def approval_context(
    request: HttpRequest, plan: ChangePlan, needed: int, submittable: bool
) -> dict[str, Any]:
    """The approvals block: who decided on which version, and what this user may do now."""
    user, customer_id = request.user, plan.customer_id
    decisions = list(
        PlanApproval.objects.for_customer(customer_id).filter(plan=plan).select_related("user")
    )
    requester = user.pk in (plan.created_by_id, plan.submitted_by_id)
    decided = any(d.user_id == user.pk and d.voided_at is None for d in decisions)
    pending = plan.status == PlanStatus.PENDING_APPROVAL
    return {
        "approvals_needed": needed,
        "decisions": decisions,
        "approved_count": len(review.live_approvals(plan, plan.submitted_hash))
        if plan.submitted_hash
        else 0,
        "can_submit": needed
        and submittable
        and access.can(user, "changeplan", "submit", customer_id),
        "can_decide": pending
        and not requester
        and not decided
        and access.can(user, "changeplan", "approve", customer_id),
    }


class PlanListView(PlanMixin, ScopedListView):
    """Plans of the active customer, newest first, filtered by status and source."""

    template_name = "deploy/list.html"
    table_template = "deploy/_plan_table.html"

    def rows(self) -> QuerySet:
        plans = (
            self.queryset("view")
            .select_related("created_by", "preview_job", "commit_job")
            .annotate(device_count=Count("devices"))
            .order_by("-created_at", "-id")
        )
        self.filterset = PlanFilterSet(self.request.GET, queryset=plans)
        return self.filterset.qs if self.filterset.is_valid() else plans.none()

    def extra_context(self) -> dict[str, Any]:
        plans = list(self.page.object_list)
        for plan in plans:
            plan.stage_label = PlanStatus(_stage(plan)).label  # type: ignore[attr-defined]
        active = any(_is_active(p.preview_job) or _is_active(p.commit_job) for p in plans)
        return {
            "filterset": self.filterset,
            "any_active": active,
            "poll_url": self.request.get_full_path(),
        }


class PlanCreateView(PlanMixin, View):
    """GET: the change form (prefilled by `?device=`, `?name=`, `?lines=` — e.g. a compliance
    remediation); POST: preview it and go to the plan."""

    def make_form(self, data: Any = None) -> ChangeForm:
        query = self.request.GET
        initial = initial_from_query(query)
        initial.update({key: query[key] for key in ("name", "lines") if query.get(key)})
        return ChangeForm(
            data,
            initial=initial,
            customer=active_customer(self.request),
            user=self.request.user,
        )

    def show(self, form: ChangeForm, status: int = 200) -> HttpResponse:
        context = self.base_context(form=form, title="New change")
        return render(self.request, "deploy/new.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request, "changeplan", "add")
        return self.show(self.make_form())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request, "changeplan", "add")
        form = self.make_form(request.POST)
        if form.is_valid():
            data, customer = form.cleaned_data, active_customer(request)
            try:
                if data["mode"] == MODE_TEMPLATE:
                    plan = deploy.preview_template(
                        request.user,
                        customer,
                        data["targets"],
                        data["template"],
                        name=data.get("name") or "",
                        canary=data["canary"],
                    )
                else:
                    plan = deploy.preview_change(
                        request.user,
                        customer,
                        data["targets"],
                        lines=data["lines"],
                        name=data["name"],
                        canary=data["canary"],
                    )
            except ValidationError as exc:
                add_job_errors(form, exc)
            else:
                messages.success(request, f"Previewing “{plan}” on fresh running configurations.")
                return HttpResponseRedirect(reverse("ui:plan_detail", args=[plan.pk]))
        return self.show(form, status=400)


class PlanDetailView(PlanMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        context = self.base_context(object=plan, **plan_context(request, plan))
        return render(request, "deploy/detail.html", context)


class PlanBodyView(PlanMixin, View):
    """The polled partial: status, jobs, per-device rows and the confirm/commit step."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        response = render(request, "deploy/_plan_body.html", plan_context(request, plan))
        patch_vary_headers(response, ["HX-Request"])
        return response


class PlanConfirmView(PlanMixin, View):
    """POST the hash that was shown; a stale or wrong one re-renders the plan with the error."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        require(request, "changeplan", "confirm")
        try:
            deploy.confirm_plan(request.user, plan, request.POST.get("content_hash", ""))
        except ValidationError as exc:
            plan = self.get_plan(pk)
            context = self.base_context(
                object=plan, **plan_context(request, plan, step_error=" ".join(exc.messages))
            )
            return render(request, "deploy/detail.html", context, status=400)
        messages.success(request, "Plan confirmed. Commit it to apply the change.")
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[plan.pk]))


class PlanCommitView(PlanMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        require(request, "changeplan", "commit")
        try:
            plan = deploy.commit_plan(
                request.user, plan, override_reason=request.POST.get("override_reason", "")
            )
        except ValidationError as exc:
            messages.error(request, f"Not committed: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Deploying (job {plan.commit_job_id}).")
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[pk]))


class DeviceRollbackView(PlanMixin, View):
    """A device's snapshots, each with "Roll back to this snapshot" (a new plan to confirm)."""

    def get_device(self, pk: int) -> Device:
        return cast(Device, get_object_or_404(scoped(self.request, Device), pk=pk))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        device = self.get_device(pk)
        snapshots = scoped(request, ConfigSnapshot).filter(device=device)[:ROLLBACK_SNAPSHOTS]
        context = self.base_context(
            device=device,
            snapshots=snapshots,
            can_rollback=access.can(request.user, "changeplan", "add", active_customer(request).pk),
        )
        return render(request, "deploy/rollback.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        device = self.get_device(pk)
        require(request, "changeplan", "add")
        snapshot = get_object_or_404(
            scoped(request, ConfigSnapshot).filter(device=device),
            pk=parse_int(request.POST.get("snapshot", "")) or 0,
        )
        try:
            plan = deploy.rollback_to_snapshot(request.user, device, snapshot)
        except ValidationError as exc:
            messages.error(request, f"Could not plan the rollback: {' '.join(exc.messages)}")
            return HttpResponseRedirect(reverse("ui:device_rollback", args=[device.pk]))
        messages.success(request, f"Previewing the rollback of {device.hostname}.")
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[plan.pk]))
