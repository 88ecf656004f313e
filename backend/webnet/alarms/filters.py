"""Alarm and event filters: one FilterSet each for the API list, its export and the console.

Related ids are plain numbers (IdFilter): the queryset is already past the gate, so another
customer's id and a missing one both match nothing (no existence oracle)."""

import django_filters
from django.db.models import QuerySet

from webnet.alarms.models import OPEN_STATES, Alarm, AlarmState, Event
from webnet.core.numbers import IdFilter
from webnet.locations.filters import WithinFilter
from webnet.locations.within import NODE_FORMAT

STATE_CHOICES = [("open", "Open"), *AlarmState.choices]


class AlarmFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    device = IdFilter(field_name="device_id")
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state")
    hostname = django_filters.CharFilter(field_name="device__hostname", lookup_expr="icontains")
    within = WithinFilter(label=f"Within a node ({NODE_FORMAT})")

    class Meta:
        model = Alarm
        fields = ["severity", "condition", "if_index"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)


class EventFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    device = IdFilter(field_name="device_id")
    alarm = IdFilter(field_name="alarm_id")
    within = WithinFilter(label=f"Within a node ({NODE_FORMAT})")

    class Meta:
        model = Event
        fields = {
            "if_index": ["exact"],
            "source": ["exact"],
            "condition": ["exact"],
            "severity": ["exact"],
            "time": ["gte", "lt"],
        }
