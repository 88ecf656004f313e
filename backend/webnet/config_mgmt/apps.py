from django.apps import AppConfig


class ConfigMgmtConfig(AppConfig):
    name = "webnet.config_mgmt"

    def ready(self) -> None:
        from webnet.config_mgmt import booking, deploy_kinds, kinds  # noqa: F401  (register the kinds)
        from webnet.jobs import periodic

        periodic.register("config_mgmt.booked", booking.start_due)
