from django.apps import AppConfig


class ConfigMgmtConfig(AppConfig):
    name = "webnet.config_mgmt"

    def ready(self) -> None:
        from webnet.config_mgmt import kinds  # noqa: F401  (registers config_backup)
