from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "webnet.alarms"
    verbose_name = "Alarms"

    def ready(self) -> None:
        from webnet.alarms import ingest, maintenance
        from webnet.alarms.receivers import service
        from webnet.core import background
        from webnet.jobs import periodic
        from webnet.monitoring import changes

        background.register("alarms.receivers", service.run_embedded)
        changes.register(ingest.record_state_changes)
        periodic.register("alarms.maintenance", maintenance.reevaluate)
