from django.apps import AppConfig


class AaaConfig(AppConfig):
    name = "webnet.aaa"
    verbose_name = "AAA"
