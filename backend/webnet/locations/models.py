"""Region (nested) → Site → Location (nested) → Rack, per customer.

Regions and locations are adjacency lists read with django-tree-queries' recursive CTE, so
subtree queries work the same on SQLite and PostgreSQL. Every model here, and every model
elsewhere bound to a place (devices now), declares `location_paths`: kind → the lookup of its
region / site / location / rack (`pk` for itself). `webnet.locations.within` reads those to give
`within(node)` one meaning everywhere, and the gate narrows scoped memberships with it.
"""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from tree_queries.query import TreeManager, TreeQuerySet

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.core.querysets import ScopedQuerySet


class NodeQuerySet(TreeQuerySet, ScopedQuerySet):
    """The gate's `restrict` and the tree's `descendants` / `ancestors` on one queryset."""


class NodeManager(TreeManager.from_queryset(NodeQuerySet)):  # type: ignore[misc]
    """Manager of the nested models (tree fields only where a query asks for them)."""

    _with_tree_fields = False


class LocationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    DECOMMISSIONING = "decommissioning", "Decommissioning"
    RETIRED = "retired", "Retired"


class LocationKind(models.TextChoices):
    BUILDING = "building", "Building"
    FLOOR = "floor", "Floor"
    ROOM = "room", "Room"
    POP = "pop", "POP"
    TOWER = "tower", "Tower"
    CABINET = "cabinet", "Cabinet"
    OTHER = "other", "Other"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """An IANA zone name the server knows (Europe/Amsterdam), not an offset or an abbreviation."""
    if value not in _zones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Europe/Amsterdam).")


def _coordinate(limit: int) -> models.DecimalField:
    return models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class Region(NamedCustomerOwned):
    """A nested grouping of sites: a continent, a country, a metro."""

    location_paths = {"region": "pk"}

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    objects = NodeManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.name


class Site(NamedCustomerOwned):
    """A place with an address: a data centre, a POP, an exchange, a customer premises."""

    location_paths = {"region": "region", "site": "pk"}

    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="sites"
    )
    status = models.CharField(
        max_length=16, choices=LocationStatus.choices, default=LocationStatus.ACTIVE
    )
    address = models.TextField(blank=True)
    latitude = _coordinate(90)
    longitude = _coordinate(180)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Location(CustomerOwned):
    """A nested part of a site: building, floor, room, POP, tower."""

    location_paths = {"region": "site__region", "site": "site", "location": "pk"}

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=LocationKind.choices, default=LocationKind.ROOM)
    status = models.CharField(
        max_length=16, choices=LocationStatus.choices, default=LocationStatus.ACTIVE
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NodeManager()  # type: ignore[misc]

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name", "site", "parent"], name="unique_location_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Rack(CustomerOwned):
    """A rack in a site, optionally in one of its locations."""

    location_paths = {
        "region": "site__region",
        "site": "site",
        "location": "location",
        "rack": "pk",
    }

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="racks")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="racks"
    )
    name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=16, choices=LocationStatus.choices, default=LocationStatus.ACTIVE
    )
    units = models.PositiveSmallIntegerField(
        default=42, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name", "site"], name="unique_rack_name")
        ]

    def __str__(self) -> str:
        return self.name
