from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "webnet.tests.scaled.probe"
    label = "scaled_probe"

    def ready(self) -> None:
        from webnet.tests.scaled.probe import kinds  # noqa: F401  (registers the kind)
