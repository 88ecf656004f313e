"""The approval steps on the change plan page: submit, approve, reject (by the hash shown).

Each form carries the content hash of the version the page rendered, so an approval vouches for
exactly the commands and predicted diff its approver saw.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from webnet.config_mgmt import review
from webnet.ui.crud import require
from webnet.ui.deploy import PlanMixin

STEPS = ("submit", "approve", "reject")
DONE = {
    "submit": "Submitted for approval.",
    "approve": "Approved this version of the plan.",
    "reject": "Rejected: the plan is back in draft.",
}


class PlanReviewView(PlanMixin, View):
    step = "submit"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        require(request, "changeplan", self.step)
        shown = request.POST.get("content_hash", "")
        comment = request.POST.get("comment", "")
        try:
            if self.step == "submit":
                review.submit_plan(request.user, plan, shown)
            elif self.step == "approve":
                review.approve_plan(
                    request.user,
                    plan,
                    shown,
                    comment=comment,
                    override_reason=request.POST.get("override_reason", ""),
                )
            else:
                review.reject_plan(request.user, plan, shown, comment=comment)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"Not done: {text}")
        else:
            messages.success(request, DONE[self.step])
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[pk]))
