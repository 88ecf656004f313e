from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "webnet.devices"

    def ready(self) -> None:
        from webnet.devices import kinds  # noqa: F401  (registers reachability and facts)
