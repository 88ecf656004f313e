"""`?within=<kind>:<id>`: one filter for every list of location-bound rows (API, UI, export)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from webnet.locations.within import Node, parse_node, within


class NodeField(forms.CharField):
    """`region:3`, `site:7`, `location:12` or `rack:4` → a Node; anything else a field error."""

    def clean(self, value: str | None) -> Node | None:  # type: ignore[override]
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_node(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class WithinFilter(django_filters.CharFilter):
    """`?within=region:3`: rows at that node or anywhere below it (sub-regions, their sites,
    nested locations, racks). A node the list's reader cannot see matches no row of theirs (the
    list is already past the gate), the same as a node that does not exist."""

    field_class = NodeField

    def filter(self, queryset: QuerySet, value: Node | None) -> QuerySet:
        return queryset if value is None else within(queryset, value)
