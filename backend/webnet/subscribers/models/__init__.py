"""Subscriber models: service plans, subscribers, service instances, provisioning plans."""

from webnet.subscribers.models.provisioning import ProvisioningPlan  # noqa: F401
from webnet.subscribers.models.services import ServiceInstance, ServicePlan, Subscriber  # noqa: F401
