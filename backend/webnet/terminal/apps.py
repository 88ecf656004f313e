from django.apps import AppConfig


class TerminalConfig(AppConfig):
    name = "webnet.terminal"
    verbose_name = "Browser SSH terminal"
