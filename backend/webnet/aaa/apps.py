from django.apps import AppConfig


class AaaConfig(AppConfig):
    name = "webnet.aaa"
    verbose_name = "AAA"

    def ready(self) -> None:
        # The engine's tick runs the session reaper (DESIGN §3: jobs cannot import aaa).
        from webnet.aaa import sessions
        from webnet.jobs import periodic

        periodic.register("aaa.reap_stale_sessions", sessions.reap_stale)
