from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "webnet.alarms"
    verbose_name = "Alarms"

    def ready(self) -> None:
        from webnet.alarms import ingest, job_events, maintenance, thresholds
        from webnet.alarms.receivers import service
        from webnet.core import background
        from webnet.jobs import outcomes, periodic
        from webnet.maintenance import services as windows
        from webnet.monitoring import changes

        background.register("alarms.receivers", service.run_embedded)
        changes.register(ingest.record_state_changes)
        changes.register_samples("alarms.thresholds", thresholds.evaluate_samples)
        outcomes.register_results("alarms.job_events", job_events.record_job_outcomes)
        periodic.register("alarms.maintenance", maintenance.reevaluate)
        windows.register_end_listener(maintenance.on_window_end)
