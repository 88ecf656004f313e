"""Device filters: one FilterSet for the API list, the UI list and dynamic group rules."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from webnet.core.numbers import IdFilter
from webnet.devices.models import Device, DeviceStatus
from webnet.devices.platforms import Platform
from webnet.locations.filters import WithinFilter
from webnet.locations.within import NODE_FORMAT
from webnet.saferegex import PatternError, compile_pattern


def _valid_regex(value: str) -> None:
    """Only patterns RE2 runs (SQLite's REGEXP is RE2; PostgreSQL's `~` gets the same rules)."""
    try:
        compile_pattern(value)
    except PatternError as exc:
        raise ValidationError(f"invalid regular expression: {exc}") from exc


class DeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    hostname = django_filters.CharFilter(lookup_expr="icontains")
    hostname_regex = django_filters.CharFilter(
        field_name="hostname", lookup_expr="regex", validators=[_valid_regex]
    )
    platform = django_filters.MultipleChoiceFilter(choices=Platform.choices)
    status = django_filters.MultipleChoiceFilter(choices=DeviceStatus.choices)
    vendor = django_filters.CharFilter(lookup_expr="iexact")
    model = django_filters.CharFilter(lookup_expr="icontains")
    role = django_filters.CharFilter(lookup_expr="iexact")
    site = django_filters.CharFilter(field_name="site__name", lookup_expr="iexact")
    within = WithinFilter(label=f"Within a node ({NODE_FORMAT})")
    tag = django_filters.CharFilter(method="filter_tag", label="Tag names (comma-separated)")
    group = IdFilter(method="filter_group", label="Device group id")
    credential = IdFilter(field_name="credential_id")
    customer = IdFilter(field_name="customer_id")
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = Device
        fields = ["enabled"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(hostname__icontains=value)
            | Q(management_host__icontains=value)
            | Q(serial_number__icontains=value)
            | Q(model__icontains=value)
            | Q(site__name__icontains=value)
        )

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for tag in (part.strip() for part in value.split(",")):
            if tag:
                queryset = queryset.filter(tags__name=tag)
        return queryset.distinct()

    def filter_group(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        from webnet.devices.groups import member_ids_of_group_id

        return queryset.filter(pk__in=member_ids_of_group_id(int(value)))


# Keys a dynamic group's rules may use: everything but the group and customer filters.
RULE_KEYS = frozenset(DeviceFilterSet.base_filters) - {"group", "customer"}
