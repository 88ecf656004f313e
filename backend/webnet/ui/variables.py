"""Template variable values per level — the customer, a group, a device — and where a device's
values come from (device > group > customer > the schema default).

One field per variable the customer's templates declare; a blank field leaves the value to the
levels below. Values of names no template declares are kept as they are.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from webnet.config_mgmt import services, templates
from webnet.config_mgmt.models import ConfigTemplate, TemplateVariables
from webnet.core import access
from webnet.devices.models import Device, DeviceGroup
from webnet.ui.crud import active_customer, require, scoped
from webnet.ui.errors import get_or_404
from webnet.ui.forms.base import StyledForm


def _form(declared: list[dict[str, Any]], data: Any, values: dict[str, Any]) -> StyledForm:
    form = StyledForm(data, initial={name: value for name, value in values.items()})
    for spec in declared:
        help_text = f"{spec['type']} · used by {', '.join(spec['templates'])}"
        if spec.get("default") not in (None, ""):
            help_text += f" · default {spec['default']}"
        form.fields[spec["name"]] = forms.CharField(
            required=False, label=spec["name"], help_text=help_text, max_length=2000
        )
        form.fields[spec["name"]].widget.attrs.update(
            {"class": "input font-mono", "id": f"var-{spec['name']}"}
        )
    return form


def _target(request: HttpRequest, level: str, pk: int | None) -> tuple[Any, Any, str]:
    """(device, group, title) of the level being edited; another customer's object is 404."""
    if level == "device":
        device = get_or_404(request, scoped(request, Device), pk)
        return device, None, f"device {device}"
    if level == "group":
        group = get_or_404(request, scoped(request, DeviceGroup), pk)
        return None, group, f"group {group}"
    return None, None, f"customer {active_customer(request)}"


@login_required
def edit_variables(request: HttpRequest, level: str, pk: int | None = None) -> HttpResponse:
    customer = active_customer(request)
    device, group, title = _target(request, level, pk)
    row = scoped(request, TemplateVariables).filter(device=device, group=group).first()
    values = dict(row.values) if row else {}
    declared = templates.declared_variables(scoped(request, ConfigTemplate).order_by("name"))
    can_change = access.can(request.user, "templatevariables", "change", customer.pk)
    form = _form(declared, request.POST if request.method == "POST" else None, values)
    if request.method == "POST":
        require(request, "templatevariables", "change")
        if form.is_valid():
            for name, value in form.cleaned_data.items():
                values.pop(name, None)
                if value.strip():
                    values[name] = value.strip()
            services.save_variables(request.user, customer, values, device=device, group=group)
            messages.success(request, f"Variables of {title} saved.")
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = request.path
            return HttpResponseRedirect(target)
    context = {
        "nav": "config_templates",
        "form": form,
        "title": title,
        "level": level,
        "declared": declared,
        "can_change": can_change,
        "next": request.GET.get("next", ""),
        "undeclared": {k: v for k, v in values.items() if k not in form.fields},
    }
    return render(
        request, "config_mgmt/variables.html", context, status=400 if form.errors else 200
    )
