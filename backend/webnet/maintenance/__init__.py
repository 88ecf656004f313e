"""Maintenance windows, freezes and the change calendar (the models and services follow)."""
