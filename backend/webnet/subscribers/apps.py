from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "webnet.subscribers"
    verbose_name = "Subscribers"
