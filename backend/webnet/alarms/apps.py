from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "webnet.alarms"
    verbose_name = "Alarms"
