from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "webnet.compliance"

    def ready(self) -> None:
        from webnet.compliance import kinds  # noqa: F401  (registers compliance)
