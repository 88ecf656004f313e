"""Starting jobs from the UI: the run page (any kind), the run-commands shortcut, "Back up now".

Why thin: JobService.create_job checks the role, resolves the targets through the gate and
queues the job; these views only turn form fields into its arguments and show its errors inline.
"""

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from webnet.devices.models import Device
from webnet.jobs import registry
from webnet.jobs.services import JobService
from webnet.ui.crud import active_customer, require, scoped
from webnet.ui.forms.jobs import RUN_COMMANDS, JobRunForm, add_job_errors, initial_from_query

BACKUP_KIND = "config.backup"


class JobRunView(LoginRequiredMixin, View):
    """GET shows the form (prefilled from the query string); POST starts the job (operator)."""

    preset_kind: ClassVar[str | None] = None
    title: ClassVar[str] = "Run a job"
    nav: ClassVar[str] = "jobs"
    request: HttpRequest

    def make_form(self, data: Any = None) -> JobRunForm:
        initial = initial_from_query(self.request.GET)
        if self.preset_kind:
            initial["kind"] = self.preset_kind
        form = JobRunForm(
            data,
            initial=initial,
            customer=active_customer(self.request),
            user=self.request.user,
        )
        if self.preset_kind:
            form.fields["kind"].widget = form.fields["kind"].hidden_widget()
        else:
            # Switching kinds re-renders the form with that kind's parameter fields.
            form.fields["kind"].widget.attrs.update(
                {
                    "hx-get": self.request.path,
                    "hx-trigger": "change",
                    "hx-include": "closest form",
                    "hx-target": "#job-form",
                    "hx-select": "#job-form",
                    "hx-swap": "outerHTML",
                }
            )
        return form

    def show(self, form: JobRunForm, status: int = 200) -> HttpResponse:
        kinds = {kind.name: kind for kind in registry.all_kinds()}
        context = {
            "nav": self.nav,
            "title": self.title,
            "form": form,
            "selected": kinds.get(form.selected_kind),
            "preset_kind": self.preset_kind,
            "run_commands": RUN_COMMANDS,
        }
        return render(self.request, "jobs/run.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request, "job", "add")
        return self.show(self.make_form())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request, "job", "add")
        form = self.make_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = JobService.create_job(
                    request.user,
                    active_customer(request),
                    data["kind"],
                    data["targets"],
                    data["params"],
                )
            except ValidationError as exc:
                add_job_errors(form, exc)
            else:
                messages.success(request, f"Job {job.pk} queued on {job.total} device(s).")
                return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))
        return self.show(form, status=400)


class RunCommandsView(JobRunView):
    preset_kind = RUN_COMMANDS
    title = "Run commands"
    nav = "run_commands"


@login_required
@require_POST
def device_backup(request: HttpRequest, pk: int) -> HttpResponse:
    """Back up one device now: a config.backup job on it (operator)."""
    device = get_object_or_404(scoped(request, Device), pk=pk)
    require(request, "job", "add")
    try:
        job = JobService.create_job(
            request.user, active_customer(request), BACKUP_KIND, {"devices": [device.pk]}
        )
    except ValidationError as exc:
        messages.error(request, f"Could not start the backup: {' '.join(exc.messages)}.")
        return HttpResponseRedirect(reverse("ui:device_detail", args=[device.pk]))
    messages.success(request, f"Backup of {device.hostname} queued (job {job.pk}).")
    return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))
