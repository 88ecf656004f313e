"""Compliance policy pages: list, editor (fields, rules, fixtures with their results inline),
YAML import and export, delete; and waivers (list, add, edit, delete)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View

from webnet.compliance import policy_yaml, services
from webnet.compliance.evaluator import fixture_report
from webnet.compliance.models import CompliancePolicy, ComplianceWaiver
from webnet.compliance.policy_yaml import PolicyData, PolicyYAMLError
from webnet.core.numbers import parse_int
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    require,
    scoped,
)
from webnet.ui.forms.compliance import (
    FixtureFormSet,
    PolicyForm,
    RuleFormSet,
    WaiverForm,
    YAMLImportForm,
    rows,
)


class PolicyMixin(ScopedMixin):
    model = CompliancePolicy
    nav = "compliance"
    url_prefix = "compliance_policy"
    title_plural = "Compliance policies"


class PolicyListView(PolicyMixin, ScopedListView):
    template_name = "compliance/policies.html"
    table_template = "compliance/_policy_table.html"

    def rows(self) -> QuerySet:
        return (
            self.queryset("view")
            .annotate(rule_count=Count("rules", distinct=True))
            .prefetch_related("tags", "groups")
            .order_by("name")
        )


def _initial(data: PolicyData) -> tuple[dict, list[dict], list[dict]]:
    fields = {
        "name": data.name,
        "description": data.description,
        "enabled": data.enabled,
        "severity": data.severity,
        "platforms": data.platforms,
        "tags": data.tags,
        "groups": data.groups,
    }
    rules = [
        {
            "name": r.name,
            "kind": r.kind,
            "severity": r.severity,
            "context": r.context,
            "parameters": dict(r.parameters),
        }
        for r in data.rules
    ]
    fixtures = [
        {"name": x.name, "platform": x.platform, "config": x.config, "expected": dict(x.expected)}
        for x in data.fixtures
    ]
    return fields, rules, fixtures


class PolicyEditView(PolicyMixin, View):
    """Create or edit a whole policy; the fixtures run before saving and show their results."""

    template_name = "compliance/policy_form.html"

    def _forms(self, obj: CompliancePolicy | None) -> tuple[Any, Any, Any]:
        customer, user = active_customer(self.request), self.request.user
        if self.request.method == "POST":
            post = self.request.POST
            return (
                PolicyForm(post, customer=customer, user=user),
                RuleFormSet(post, prefix="rules"),
                FixtureFormSet(post, prefix="fixtures"),
            )
        fields, rules, fixtures = _initial(services.policy_data(obj)) if obj else ({}, [], [])
        return (
            PolicyForm(initial=fields or None, customer=customer, user=user),
            RuleFormSet(initial=rules, prefix="rules"),
            FixtureFormSet(initial=fixtures, prefix="fixtures"),
        )

    def _show(self, obj: Any, forms: tuple, report: list, errors: list, status: int = 200) -> Any:
        form, rule_set, fixture_set = forms
        context = self.base_context(
            object=obj,
            is_create=obj is None,
            form=form,
            rule_set=rule_set,
            fixture_set=fixture_set,
            report=report,
            policy_errors=errors,
        )
        return render(self.request, self.template_name, context, status=status)

    def _obj(self, pk: int | None) -> CompliancePolicy | None:
        obj = self.get_object(pk) if pk is not None else None
        require(self.request, self.resource, "add" if obj is None else "change")
        return obj  # type: ignore[return-value]

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._obj(pk)
        report = []
        if obj is not None:
            data = services.policy_data(obj)
            report = fixture_report(data.rules, data.fixtures)
        return self._show(obj, self._forms(obj), report, [])

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._obj(pk)
        forms = self._forms(obj)
        if not all(f.is_valid() for f in forms):
            return self._show(obj, forms, [], [], status=400)
        form, rule_set, fixture_set = forms
        raw = {**form.cleaned_data, "rules": rows(rule_set), "fixtures": rows(fixture_set)}
        try:
            data = policy_yaml.from_dict(raw)
        except PolicyYAMLError as exc:
            return self._show(obj, forms, [], exc.errors, status=400)
        report = fixture_report(data.rules, data.fixtures)
        try:
            saved = services.save_policy(request.user, active_customer(request), data, obj)
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
            return self._show(obj, forms, report, errors, status=400)
        messages.success(request, f"Policy “{saved}” saved; its fixtures pass.")
        return HttpResponseRedirect(reverse("ui:compliance_policy_edit", args=[saved.pk]))


class PolicyDeleteView(PolicyMixin, ScopedDeleteView):
    pass


def policy_yaml_export(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(scoped(request, CompliancePolicy), pk=pk)
    response = HttpResponse(
        policy_yaml.dump(services.policy_data(policy)), content_type="application/yaml"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{policy.name}.yaml")
    return response


class PolicyImportView(PolicyMixin, View):
    """Paste or upload YAML: creates the policy, or replaces the one with the same name."""

    template_name = "compliance/policy_import.html"

    def _show(self, form: YAMLImportForm, errors: list[str], status: int = 200) -> HttpResponse:
        context = self.base_context(form=form, policy_errors=errors)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request, self.resource, "add")
        return self._show(YAMLImportForm(), [])

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request, self.resource, "add")
        form = YAMLImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._show(form, [], status=400)
        try:
            data = policy_yaml.load(form.cleaned_data["yaml"])
            existing = self.queryset("change").filter(name=data.name).first()
            saved = services.save_policy(request.user, active_customer(request), data, existing)
        except PolicyYAMLError as exc:
            return self._show(form, exc.errors, status=400)
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
            return self._show(form, errors, status=400)
        messages.success(request, f"Policy “{saved}” imported.")
        return HttpResponseRedirect(reverse("ui:compliance_policy_edit", args=[saved.pk]))


class WaiverMixin(ScopedMixin):
    model = ComplianceWaiver
    nav = "compliance"
    url_prefix = "compliance_waiver"
    title_plural = "Compliance waivers"


class WaiverListView(WaiverMixin, ScopedListView):
    table_template = "compliance/_waiver_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").select_related("device", "rule__policy", "created_by")


class WaiverFormView(WaiverMixin, ScopedFormView):
    form_class = WaiverForm
    create_service = staticmethod(services.create_waiver)
    update_service = staticmethod(services.update_waiver)

    def make_form(self, obj: Any) -> Any:
        form = super().make_form(obj)
        for name in ("device", "rule"):
            chosen = parse_int(self.request.GET.get(name, ""))
            if self.request.method == "GET" and chosen is not None:
                form.initial[name] = chosen
        return form


class WaiverDeleteView(WaiverMixin, ScopedDeleteView):
    pass
