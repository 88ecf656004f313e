from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "webnet.alarms"
    verbose_name = "Alarms"

    def ready(self) -> None:
        from webnet.alarms.receivers import service
        from webnet.core import background

        background.register("alarms.receivers", service.run_embedded)
