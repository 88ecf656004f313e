"""Onboarding pages (admin): the customer's IP ranges, scans, and the discovery queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.core.numbers import parse_int
from webnet.networkops import discovery, scan
from webnet.networkops.models import CandidateStatus, CustomerIPRange, DiscoveryCandidate
from webnet.ui.crud import active_customer, paginate, require, scoped

BULK_ACTIONS = ("approve", "reject", "ignore")


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("ui:onboarding"))


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    require(request, "discoverycandidate", "view")
    status = request.GET.get("status", CandidateStatus.NEW)
    candidates = scoped(request, DiscoveryCandidate).select_related("credential", "seen_by")
    if status in CandidateStatus.values:
        candidates = candidates.filter(status=status)
    context = {
        "ranges": scoped(request, CustomerIPRange),
        "page": paginate(request, candidates),
        "status": status,
        "statuses": CandidateStatus.choices,
        "nav": "onboarding",
    }
    return render(request, "onboarding/queue.html", context)


@login_required
@require_POST
def range_create(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    require(request, "customeriprange", "add")
    data = {
        "customer": customer,
        "cidr": request.POST.get("cidr", ""),
        "ports": request.POST.get("ports", "") or "22",
        "description": request.POST.get("description", "")[:200],
    }
    try:
        discovery.create_range(request.user, data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Range {data['cidr']} added.")
    return _back()


@login_required
@require_POST
def range_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "customeriprange", "delete")
    ip_range = get_object_or_404(scoped(request, CustomerIPRange, "delete"), pk=pk)
    discovery.delete_range(request.user, ip_range)
    messages.success(request, f"Range {ip_range.cidr} removed.")
    return _back()


@login_required
@require_POST
def scan_ranges(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    require(request, "customeriprange", "scan")
    try:
        job = scan.start_scan(request.user, customer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back()
    messages.success(request, f"Scanning {job.total} address/port pair(s).")
    return redirect("ui:job_detail", pk=job.pk)


@login_required
@require_POST
def candidates_bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        messages.error(request, "Choose approve, reject or ignore.")
        return _back()
    require(request, "discoverycandidate", "approve" if action == "approve" else "reject")
    ids = [pk for pk in map(parse_int, request.POST.getlist("ids")) if pk is not None]
    chosen = list(scoped(request, DiscoveryCandidate).filter(pk__in=ids).order_by("pk"))
    results = discovery.bulk(request.user, chosen, action)
    done = sum(1 for r in results if r["ok"])
    if done:
        messages.success(request, f"{action.capitalize()}: {done} candidate(s).")
    for result in results:
        if not result["ok"]:
            messages.error(request, f"Candidate #{result['id']}: {result['error']}")
    return _back()
