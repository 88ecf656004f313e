from webnet.tests.jobs.conftest import LabWorld, start_lab

__all__ = ["LabWorld", "start_lab"]
