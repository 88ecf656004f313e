from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "webnet.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from webnet.core import background
        from webnet.notifications import embedded

        background.register("notifications.deliveries", embedded.run_embedded)
