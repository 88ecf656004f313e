"""Scores count only devices a policy covers: a device out of every policy's scope that cannot
be reached is not applicable, not 0.0 (and the device page says so)."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from webnet.compliance import services
from webnet.compliance.models import ComplianceResult, ComplianceRun
from webnet.compliance.policy_yaml import load
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.tests import factories as f
from webnet.tests.conftest import World

IOS_ONLY = """\
name: ios only
platforms: [cisco_ios]
rules:
  - name: ssh v2
    kind: must_contain
    parameters: {lines: [ip ssh version 2]}
"""


@pytest.mark.django_db(transaction=True)
async def test_unreachable_device_out_of_scope_is_not_scored(world: World) -> None:
    @sync_to_async
    def given() -> tuple:
        services.save_policy(world.admin, world.a, load(IOS_ONLY))
        ios = f.DeviceFactory(customer=world.a, platform="cisco_ios", credential=None)
        eos = f.DeviceFactory(customer=world.a, platform="arista_eos", credential=None)
        job = JobService.create_job(
            world.operator,
            world.a,
            "compliance.check",
            {"devices": [ios.pk, eos.pk]},
            {},
            submit=False,
        )
        return ios, eos, job

    ios, eos, job = await given()
    await run_job(job.pk)

    @sync_to_async
    def then() -> None:
        run = ComplianceRun.objects.get(job=job)
        assert set(ComplianceResult.objects.filter(run=run).values_list("device", flat=True)) == {
            ios.pk
        }
        assert run.device_scores == {str(ios.pk): 0.0} and run.score == 0.0
        client = Client()
        client.force_login(world.admin)
        page = client.get(reverse("ui:device_compliance", args=[eos.pk]))
        assert b"Not applicable" in page.content
        assert (
            b"Not applicable"
            not in client.get(reverse("ui:device_compliance", args=[ios.pk])).content
        )

    await then()
