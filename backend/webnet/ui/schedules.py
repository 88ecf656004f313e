"""Schedule pages: list (next/last run, last job), create/edit, delete — audited by the services."""

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from webnet.jobs import services
from webnet.jobs.models import Schedule
from webnet.ui.crud import ScopedDeleteView, ScopedFormView, ScopedListView, ScopedMixin
from webnet.ui.forms.base import ScopedModelForm
from webnet.ui.forms.jobs import RUN_COMMANDS, initial_from_query
from webnet.ui.forms.schedules import ScheduleForm
from webnet.ui.jobs import kind_labels


class ScheduleMixin(ScopedMixin):
    model = Schedule
    nav = "schedules"
    url_prefix = "schedule"
    title_plural = "Schedules"


class ScheduleListView(ScheduleMixin, ScopedListView):
    table_template = "schedules/_schedule_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").select_related("owner", "last_job").order_by("name")

    def extra_context(self) -> dict[str, Any]:
        labels = kind_labels()
        for schedule in self.page.object_list:  # evaluates (and caches) the page's queryset
            schedule.kind_label = labels.get(schedule.kind, schedule.kind)
        return {}


class ScheduleFormView(ScheduleMixin, ScopedFormView):
    """Create/edit through create_schedule/update_schedule; the owner is whoever creates it."""

    form_class = ScheduleForm
    template_name = "schedules/form.html"
    create_service = staticmethod(services.create_schedule)
    update_service = staticmethod(services.update_schedule)

    def make_form(self, obj: models.Model | None) -> ScopedModelForm:
        """On the kind switcher's re-render (GET ?kind=…), keep what was typed so far."""
        form = super().make_form(obj)
        query = self.request.GET
        if self.request.method == "GET" and "kind" in query:
            form.initial.update(initial_from_query(query))
            form.initial.update(
                name=query.get("name", ""),
                cron=query.get("cron", ""),
                enabled=query.get("enabled") == "on",
            )
        form.fields["kind"].widget.attrs.update(
            {
                "hx-get": self.request.path,
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-target": "#schedule-form",
                "hx-select": "#schedule-form",
                "hx-swap": "outerHTML",
            }
        )
        return form

    def base_context(self, **extra: Any) -> dict[str, Any]:
        return super().base_context(run_commands=RUN_COMMANDS, **extra)

    def success_url(self, obj: Any) -> str:
        return reverse("ui:schedule_list")


class ScheduleDeleteView(ScheduleMixin, ScopedDeleteView):
    pass
