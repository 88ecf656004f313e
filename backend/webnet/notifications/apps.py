from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "webnet.notifications"
    verbose_name = "Notifications"
