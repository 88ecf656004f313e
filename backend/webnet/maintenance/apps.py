from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "webnet.maintenance"
    verbose_name = "Maintenance"
