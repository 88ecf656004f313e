"""API list filters whose related-id filters are no existence oracle.

django-filter turns a foreign key into a `ModelChoiceFilter` over every row of the related model:
an id that does not exist answers 400 while another customer's existing id answers 200, and the
browsable API's filter form lists every customer's rows as choices. Here a related id is just a
whole number: the list's queryset has already passed the gate, so an id outside it, missing or
another customer's, matches nothing — the same empty page for both.
"""

from typing import Any

from django import forms
from django.db import models
from django_filters import rest_framework as filters

MAX_ID = 2**63 - 1  # the largest primary key a database can hold


class RelatedIdFilter(filters.Filter):
    """`?device=<id>`: rows related to that id. Not a possible id (not a whole number, below 1,
    past the database's range) is a 400; a possible id nobody here can see is simply no row."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FilterSet(filters.FilterSet):
    """The base of every API FilterSet (and of the ones built from `filterset_fields`)."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": RelatedIdFilter},
        models.OneToOneField: {"filter_class": RelatedIdFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet
