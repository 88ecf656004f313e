from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "webnet.ui"
