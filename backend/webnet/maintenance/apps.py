from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "webnet.maintenance"
    verbose_name = "Maintenance"

    def ready(self) -> None:
        # Hooks into the layers below (DESIGN §3: they cannot import maintenance).
        from webnet.jobs import periodic
        from webnet.maintenance import services
        from webnet.monitoring import availability

        periodic.register("maintenance", services.tick)
        availability.register_exclusions(services.maintained_intervals)
