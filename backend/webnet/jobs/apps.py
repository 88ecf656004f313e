from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "webnet.jobs"

    def ready(self) -> None:
        from webnet.jobs import kinds  # noqa: F401  (registers commands.run)
