"""Audit log filters."""

from typing import Any

import django_filters

from webnet.core.models import AuditEvent
from webnet.ui.forms.base import style_fields


class AuditFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="iexact")
    object_type = django_filters.CharFilter(lookup_expr="icontains", label="Object type")
    actor = django_filters.CharFilter(
        field_name="actor_repr", lookup_expr="icontains", label="Actor"
    )
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="From")
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="To")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self.form)
        for name in ("since", "until"):
            self.form.fields[name].widget.input_type = "date"  # type: ignore[attr-defined]
