"""Actions that read named fields from the body (confirm, submit, re-run): a JSON list or
scalar there is a 400 saying to send an object, never a 500, and changes nothing."""

import pytest

from webnet.config_mgmt.plans import ChangePlan
from webnet.jobs.models import Job
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.ui.test_deploy import finished_deploy, previewed_plan

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ([1, 2], "abc", 7)


@pytest.mark.parametrize("step", ["confirm", "submit"])
def test_a_plan_step_refuses_a_body_that_is_not_an_object(world: World, api, step: str) -> None:
    # given a previewed plan
    plan = previewed_plan(world.a, f.DeviceFactory(customer=world.a), world.operator)
    for body in NOT_OBJECTS:
        # when the operator posts a list or a scalar as the step's body
        response = api("operator").post(f"/api/v1/change-plans/{plan.pk}/{step}/", body, "json")
        # then it is a field-level 400 and the plan is as it was
        assert response.status_code == 400, response.content
        assert response.json() == {"non_field_errors": ["Send a JSON object."]}
    assert ChangePlan.objects.get(pk=plan.pk).status == plan.status


def test_a_rerun_refuses_a_body_that_is_not_an_object(world: World, api) -> None:
    plan = previewed_plan(world.a, f.DeviceFactory(customer=world.a), world.operator)
    job = finished_deploy(plan)
    before = Job.objects.count()
    for body in NOT_OBJECTS:
        response = api("operator").post(f"/api/v1/jobs/{job.pk}/rerun/", body, "json")
        assert response.status_code == 400, response.content
        assert "non_field_errors" in response.json()
    assert Job.objects.count() == before
