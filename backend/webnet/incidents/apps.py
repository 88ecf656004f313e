from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "webnet.incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from webnet.alarms import listeners
        from webnet.incidents import rules, tick
        from webnet.jobs import periodic

        listeners.register("incidents", rules.on_alarm_changes)
        periodic.register("incidents", tick.tick)
