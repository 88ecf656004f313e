"""Subscriber models: service plans, subscribers, service instances, provisioning plans."""
