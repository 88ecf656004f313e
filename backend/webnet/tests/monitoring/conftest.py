from webnet.tests.ui.conftest import ui

__all__ = ["ui"]
