"""Subscriber and service forms (related choices through the gate; the password write-only)."""

from typing import Any

from django import forms

from webnet.devices.models import Device
from webnet.locations.models import Location
from webnet.subscribers.models import ServiceInstance, ServicePlan, Subscriber
from webnet.ui.forms.base import ScopedModelForm


class SubscriberForm(ScopedModelForm):
    unique_in_customer = ("account_number",)

    class Meta:
        model = Subscriber
        fields = ["account_number", "external_id", "name", "email", "phone", "address", "location"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("location", Location)


class ServiceForm(ScopedModelForm):
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "input", "autocomplete": "new-password"}),
        help_text="PPPoE/IPoE password; stored encrypted, never shown.",
    )

    class Meta:
        model = ServiceInstance
        fields = [
            "subscriber",
            "plan",
            "device",
            "port",
            "onu_id",
            "vlan",
            "static_address",
            "ip_pool",
            "login",
            "external_id",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("subscriber", Subscriber)
        self.restrict_choices("plan", ServicePlan)
        self.restrict_choices("device", Device)
        if self.instance.pk is not None:
            self.fields["plan"].disabled = True
            self.fields["plan"].help_text = "Change the plan from the service page."
            if self.instance.has_password:
                self.fields["password"].help_text = "Set — leave blank to keep it."

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("password"):
            data["password"] = self.cleaned_data["password"]
        return data


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(
        choices=[
            (t, t)
            for t in ("activate", "suspend", "restore", "change_plan", "terminate", "reprovision")
        ]
    )
    plan = forms.ModelChoiceField(queryset=ServicePlan.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, customer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans: Any = self.fields["plan"]
        plans.queryset = ServicePlan.objects.restrict(user, "view").for_customer(customer.pk)
