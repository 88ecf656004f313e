from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "webnet.maintenance"
    verbose_name = "Maintenance"

    def ready(self) -> None:
        from webnet.jobs import periodic
        from webnet.maintenance import announcements

        periodic.register("maintenance.announcements", announcements.apply_statuses)
