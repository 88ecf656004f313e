from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "webnet.incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from webnet.alarms import listeners
        from webnet.incidents import rules, status_section, tick
        from webnet.jobs import periodic
        from webnet.maintenance import status_page

        listeners.register("incidents", rules.on_alarm_changes)
        periodic.register("incidents", tick.tick)
        status_page.register_section("incidents", status_section.current_incidents)
