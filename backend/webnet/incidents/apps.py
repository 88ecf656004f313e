from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "webnet.incidents"
    verbose_name = "Incidents"
