"""Topology pages: the graph of the active customer, discovery, and clearing links (dry run)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.core import access
from webnet.jobs.services import JobService
from webnet.networkops import topology
from webnet.ui.crud import active_customer, require
from webnet.ui.monitoring import states_of


@login_required
def topology_view(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    graph = topology.graph(request.user, customer.pk)
    states = states_of(request, (node["device"] for node in graph["nodes"]))
    for node in graph["nodes"]:
        node["state"] = states.get(node["device"])  # monitoring's, beside the job-seen status
    props = {**graph, "deviceUrl": reverse("ui:device_detail", args=[0]).replace("/0/", "/{id}/")}
    context = {
        "props": props,
        "graph": graph,
        "nav": "topology",
        "can_discover": access.can(request.user, "job", "add", customer.pk),
        "can_clear": access.can(request.user, "topologylink", "clear", customer.pk),
    }
    return render(request, "topology/graph.html", context)


@login_required
@require_POST
def topology_discover(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    require(request, "job", "add")
    try:
        job = JobService.create_job(request.user, customer, "topology.discover", {"all": True}, {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("ui:topology"))
    return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))


@login_required
def topology_clear(request: HttpRequest) -> HttpResponse:
    """GET: what would be removed (dry run). POST with confirm: remove it."""
    customer = active_customer(request)
    require(request, "topologylink", "clear")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        removed = topology.clear_links(request.user, customer.pk)
        messages.success(request, f"Removed {removed} topology link(s).")
        return HttpResponseRedirect(reverse("ui:topology"))
    links = topology.links_to_clear(request.user, customer.pk)
    return render(request, "topology/clear.html", {"links": links, "nav": "topology"})
