"""The customer-scoped ModelForm every UI edit form builds on.

Why: related-field choices must come through the gate (another customer's object can't be picked
by id), uniqueness is per customer (the `customer` column is not a form field, so Django's own
unique check would skip it), and the service should receive only the fields the user may edit.
"""

from typing import Any, ClassVar

from django import forms
from django.db import models

from webnet.customers.models import Customer

CHECKBOX_CLASS = "h-4 w-4 rounded border-slate-300 text-sky-700 focus:ring-sky-600"


def style_fields(form: forms.BaseForm) -> None:
    """Give every widget the design's classes (checkboxes get a checkbox style, others `input`)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", f"form-checkbox {CHECKBOX_CLASS}")
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        else:
            widget.attrs.setdefault("class", "input")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class ScopedModelForm(forms.ModelForm):
    unique_in_customer: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.user = user
        style_fields(self)

    def restrict_choices(self, name: str, model: type[models.Model]) -> None:
        """Offer only objects of the active customer that the user may see."""
        field = self.fields[name]
        field.queryset = model.objects.restrict(  # type: ignore[attr-defined]
            self.user, "view"
        ).for_customer(self.customer.pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        model = type(self.instance)
        for name in self.unique_in_customer:
            value = cleaned.get(name)
            if value in (None, ""):
                continue
            # Past the gate already: uniqueness spans the whole customer, visible or not.
            clash = model.objects.for_customer(self.customer.pk).filter(**{name: value})  # type: ignore[attr-defined]
            if self.instance.pk is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                label = self.fields[name].label or name
                self.add_error(name, f"{label} “{value}” already exists in this customer.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """Cleaned values of the enabled model fields: what the audited service should write."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and not self.fields[name].disabled  # type: ignore[operator]
        }
