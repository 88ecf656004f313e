from django.apps import AppConfig


class NetworkopsConfig(AppConfig):
    name = "webnet.networkops"
    verbose_name = "Topology and onboarding"

    def ready(self) -> None:
        from webnet.networkops import kinds  # noqa: F401  (registers topology.discover and onboarding.scan)
