"""Incident configuration pages: teams, incident rules, business calendars, SLA policies,
escalation chains with their steps, on-call schedules with rotations (and their members) and
overrides, and a schedule's page saying who is on call now.

Thin over the domain: the gate reads (another customer's object is a 404), the role table
decides (admins shape configuration, operators swap shifts with overrides — as in the API),
incidents/config.py judges the input, and every write is an audited `core.changes` call.
"""

from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from webnet.core import access, changes
from webnet.incidents import config, schedules
from webnet.incidents.models import (
    BusinessCalendar,
    EscalationChain,
    EscalationStep,
    IncidentRule,
    OnCallSchedule,
    Override,
    Rotation,
    RotationMember,
    SlaPolicy,
    Team,
)
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    scoped,
)
from webnet.ui.errors import get_or_404
from webnet.ui.forms import incidents as forms
from webnet.ui.forms.base import ScopedModelForm

ROWS_TEMPLATE = "incidents/config/rows_form.html"
TIMELINE_DAYS = 7


def creator(model: type[models.Model]) -> Any:
    """The create service of a plain configuration object (an audited write)."""

    def create(actor: Any, data: dict[str, Any]) -> models.Model:
        return changes.create(actor, model, data)

    return create


class RowsFormView(ScopedFormView):
    """A form with repeating rows under it (a formset prefixed `rows`); both must be valid."""

    template_name = ROWS_TEMPLATE
    rows_class: ClassVar[type[forms.RowFormSet]]
    rows_title: ClassVar[str] = ""
    rows: forms.RowFormSet

    def initial_rows(self, obj: Any) -> list[dict[str, Any]]:
        return []

    def make_form(self, obj: models.Model | None) -> ScopedModelForm:
        form = super().make_form(obj)
        posted = self.request.POST if self.request.method == "POST" else None
        self.rows = self.rows_class(
            data=posted,
            initial=self.initial_rows(obj) if obj is not None else None,
            prefix="rows",
            form_kwargs={"customer": active_customer(self.request), "user": self.request.user},
        )
        return form

    def valid(self, form: ScopedModelForm) -> bool:
        return all([form.is_valid(), self.rows.is_valid()])

    def show(self, form: Any, obj: models.Model | None, status: int = 200) -> HttpResponse:
        context = self.base_context(
            form=form, object=obj, is_create=obj is None, rows=self.rows, rows_title=self.rows_title
        )
        return render(self.request, self.template_name, context, status=status)


class TeamMixin(ScopedMixin):
    model = Team
    nav = "teams"
    url_prefix = "team"
    title_plural = "Teams"


class TeamListView(TeamMixin, ScopedListView):
    table_template = "incidents/config/_team_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").prefetch_related("members")


class TeamFormView(TeamMixin, ScopedFormView):
    form_class = forms.TeamForm
    create_service = staticmethod(creator(Team))
    update_service = staticmethod(changes.update)


class TeamDeleteView(TeamMixin, ScopedDeleteView):
    pass


class RuleMixin(ScopedMixin):
    model = IncidentRule
    nav = "incident_rules"
    url_prefix = "incident_rule"
    title_plural = "Incident rules"


class RuleListView(RuleMixin, ScopedListView):
    table_template = "incidents/config/_rule_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").select_related(
            "device_group", "team", "escalation_chain", "sla_policy"
        )


class RuleFormView(RuleMixin, ScopedFormView):
    form_class = forms.IncidentRuleForm
    create_service = staticmethod(creator(IncidentRule))
    update_service = staticmethod(changes.update)


class RuleDeleteView(RuleMixin, ScopedDeleteView):
    pass


class CalendarMixin(ScopedMixin):
    model = BusinessCalendar
    nav = "sla_policies"
    url_prefix = "business_calendar"
    title_plural = "Business calendars"


class CalendarListView(CalendarMixin, ScopedListView):
    table_template = "incidents/config/_calendar_table.html"


class CalendarFormView(CalendarMixin, RowsFormView):
    form_class = forms.BusinessCalendarForm
    rows_class = forms.HoursFormSet
    rows_title = "Weekly hours (in the calendar's time zone)"
    create_service = staticmethod(creator(BusinessCalendar))
    update_service = staticmethod(changes.update)

    def initial_rows(self, obj: Any) -> list[dict[str, Any]]:
        return forms.BusinessCalendarForm.rows_of(obj)

    def save(self, form: Any, obj: models.Model | None) -> models.Model:
        form.cleaned_data["weekly_hours"] = form.weekly_hours(self.rows.rows())
        return super().save(form, obj)


class CalendarDeleteView(CalendarMixin, ScopedDeleteView):
    pass


class PolicyMixin(ScopedMixin):
    model = SlaPolicy
    nav = "sla_policies"
    url_prefix = "sla_policy"
    title_plural = "SLA policies"


class PolicyListView(PolicyMixin, ScopedListView):
    table_template = "incidents/config/_policy_table.html"
    template_name = "incidents/config/policy_list.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").select_related("calendar")


class PolicyFormView(PolicyMixin, ScopedFormView):
    form_class = forms.SlaPolicyForm
    template_name = "incidents/config/policy_form.html"
    create_service = staticmethod(creator(SlaPolicy))
    update_service = staticmethod(changes.update)


class PolicyDeleteView(PolicyMixin, ScopedDeleteView):
    pass


class ChainMixin(ScopedMixin):
    model = EscalationChain
    nav = "escalation_chains"
    url_prefix = "escalation_chain"
    title_plural = "Escalation chains"


class ChainListView(ChainMixin, ScopedListView):
    table_template = "incidents/config/_chain_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").prefetch_related(
            "steps__user", "steps__team", "steps__schedule"
        )


class ChainFormView(ChainMixin, RowsFormView):
    form_class = forms.EscalationChainForm
    rows_class = forms.StepFormSet
    rows_title = "Steps (in order; each waits from the start of the escalation)"

    def initial_rows(self, obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "wait_minutes": step.wait_seconds // 60,
                "target_kind": step.target_kind,
                "user": step.user_id,
                "team": step.team_id,
                "schedule": step.schedule_id,
            }
            for step in obj.steps.all()
        ]

    def save(self, form: Any, obj: models.Model | None) -> models.Model:
        data = form.service_data()
        if obj is None:
            data["customer"] = active_customer(self.request)
        return config.save_with_rows(
            self.request.user, EscalationChain, obj, data, self.rows.rows(), EscalationStep, "chain"
        )


class ChainDeleteView(ChainMixin, ScopedDeleteView):
    pass


class ScheduleMixin(ScopedMixin):
    model = OnCallSchedule
    nav = "oncall_schedules"
    url_prefix = "oncall_schedule"
    title_plural = "On-call schedules"

    def get_object(self, pk: int) -> OnCallSchedule:
        schedule = super().get_object(pk)
        assert isinstance(schedule, OnCallSchedule)  # read through this mixin's model
        return schedule


class ScheduleListView(ScheduleMixin, ScopedListView):
    table_template = "incidents/config/_schedule_table.html"


class ScheduleFormView(ScheduleMixin, ScopedFormView):
    form_class = forms.OnCallScheduleForm
    create_service = staticmethod(creator(OnCallSchedule))
    update_service = staticmethod(changes.update)

    def success_url(self, obj: models.Model) -> str:
        return reverse("ui:oncall_schedule_detail", args=[obj.pk])


class ScheduleDeleteView(ScheduleMixin, ScopedDeleteView):
    pass


class ScheduleDetailView(ScheduleMixin, View):
    """Who is on call now and over the next days; the rotations and overrides behind it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        schedule = self.get_object(pk)
        now = timezone.now()
        pieces = schedules.timeline(schedule, now, now + timedelta(days=TIMELINE_DAYS))
        ids = {who for who, _ in pieces if who is not None}
        names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
        customer = active_customer(request)
        rotations = scoped(request, Rotation).filter(schedule=schedule)
        context = self.base_context(
            schedule=schedule,
            now_user=names.get(pieces[0][0]) if pieces and pieces[0][0] else None,
            pieces=[(names.get(who) if who else None, a, b) for who, (a, b) in pieces],
            rotations=rotations.prefetch_related("members__user"),
            overrides=scoped(request, Override).filter(schedule=schedule).select_related("user"),
            can_shape=access.can(request.user, "rotation", "add", customer.pk),
            can_override=access.can(request.user, "override", "add", customer.pk),
        )
        return render(request, "incidents/config/schedule_detail.html", context)


class ScheduleChildMixin(ScopedMixin):
    """Rotations and overrides: made under a schedule (`schedule` in the URL), shown on it."""

    nav = "oncall_schedules"
    url_prefix = "oncall_schedule"
    title_plural = "On-call schedules"
    schedule: OnCallSchedule | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        schedule_pk = kwargs.pop("schedule", None)
        if schedule_pk is not None and request.user.is_authenticated:
            self.schedule = get_or_404(request, scoped(request, OnCallSchedule), schedule_pk)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def parent(self, obj: Any) -> OnCallSchedule | None:
        return obj.schedule if obj is not None else self.schedule

    def success_url(self, obj: Any) -> str:
        return reverse("ui:oncall_schedule_detail", args=[obj.schedule_id])

    def deleted_url(self, obj: Any) -> str:
        return self.success_url(obj)


class RotationFormView(ScheduleChildMixin, RowsFormView):
    model = Rotation
    form_class = forms.RotationForm
    rows_class = forms.MemberFormSet
    rows_title = "Members (the rotation walks them in this order)"

    def initial_rows(self, obj: Any) -> list[dict[str, Any]]:
        return [{"user": member.user_id} for member in obj.members.all()]

    def save(self, form: Any, obj: models.Model | None) -> models.Model:
        data = {**form.service_data(), "schedule": self.parent(obj)}
        if obj is None:
            data["customer"] = active_customer(self.request)
        return config.save_with_rows(
            self.request.user, Rotation, obj, data, self.rows.rows(), RotationMember, "rotation"
        )


class OverrideFormView(ScheduleChildMixin, ScopedFormView):
    model = Override
    form_class = forms.OverrideForm

    def save(self, form: Any, obj: models.Model | None) -> models.Model:
        data = {**form.service_data(), "schedule": self.parent(obj)}
        if obj is None:
            data["customer"] = active_customer(self.request)
            return changes.create(self.request.user, Override, data)
        return changes.update(self.request.user, obj, data)


class ScheduleChildDeleteView(ScheduleChildMixin, ScopedDeleteView):
    pass


class RotationDeleteView(ScheduleChildDeleteView):
    model = Rotation


class OverrideDeleteView(ScheduleChildDeleteView):
    model = Override


TEAM_VIEWS = (TeamListView, TeamFormView, TeamDeleteView)
RULE_VIEWS = (RuleListView, RuleFormView, RuleDeleteView)
CALENDAR_VIEWS = (CalendarListView, CalendarFormView, CalendarDeleteView)
POLICY_VIEWS = (PolicyListView, PolicyFormView, PolicyDeleteView)
CHAIN_VIEWS = (ChainListView, ChainFormView, ChainDeleteView)
SCHEDULE_VIEWS = (ScheduleListView, ScheduleFormView, ScheduleDeleteView)
