from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "webnet.locations"
    verbose_name = "Locations"

    def ready(self) -> None:
        from webnet.core import scoping
        from webnet.locations.within import Node, within_q

        scoping.register(lambda model, scope: within_q(model, Node(*scope)))
