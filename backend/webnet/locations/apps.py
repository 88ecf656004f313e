from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "webnet.locations"
    verbose_name = "Locations"
