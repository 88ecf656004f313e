"""SNMP and ICMP monitoring: poll profiles, the poller, samples, rollups, state, availability."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "webnet.monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        # Explicit hooks into the engine below us (DESIGN §3: jobs cannot import monitoring).
        from webnet.core import background
        from webnet.jobs import outcomes, periodic
        from webnet.monitoring import freshness, liveness, loop, rollups

        periodic.register("monitoring", rollups.tick)
        outcomes.register(liveness.mark_seen)
        background.register("monitoring.poll", loop.run_embedded)
        freshness.register()
