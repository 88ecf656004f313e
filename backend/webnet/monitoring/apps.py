from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "webnet.monitoring"
    verbose_name = "Monitoring"
