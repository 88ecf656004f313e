"""The UI shows configuration secrets to admins only: change plans, job parameters and results."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from webnet.config_mgmt.sanitize import MASK
from webnet.tests.api.test_secret_masking import COMMUNITY, _deploy
from webnet.tests.conftest import World


def _pages(client: Client, world: World) -> dict[str, str]:
    plan, job = _deploy(world)
    return {
        "plan": client.get(reverse("ui:plan_detail", args=[plan.pk])).content.decode(),
        "job": client.get(reverse("ui:job_detail", args=[job.pk])).content.decode(),
        "results": client.get(reverse("ui:job_results", args=[job.pk])).content.decode(),
    }


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_below_admin_pages_mask_configuration_secrets(
    ui: Callable[[str], Client], world: World, role: str
) -> None:
    for page, html in _pages(ui(role), world).items():
        assert COMMUNITY not in html and escape(MASK) in html, page


def test_admin_pages_show_configuration_secrets(ui: Callable[[str], Client], world: World) -> None:
    for page, html in _pages(ui("admin"), world).items():
        assert COMMUNITY in html, page
