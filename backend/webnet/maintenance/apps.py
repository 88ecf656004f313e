from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "webnet.maintenance"
    verbose_name = "Maintenance"

    def ready(self) -> None:
        # Hooks into the layers below (DESIGN §3: they cannot import maintenance).
        from webnet.config_mgmt import change_gates
        from webnet.jobs import periodic
        from webnet.maintenance import announcements, gates, services, tick
        from webnet.monitoring import availability

        periodic.register("maintenance", tick.tick)
        periodic.register("maintenance.announcements", announcements.apply_statuses)
        availability.register_exclusions(services.maintained_intervals)
        change_gates.register("freeze", gates.freeze_gate)
        change_gates.register("conflict", gates.conflict_gate)
