from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "webnet.subscribers"
    verbose_name = "Subscribers"

    def ready(self) -> None:
        from webnet.subscribers import reconcile  # noqa: F401  (register the job kind)
