"""CSV import: upload → dry-run report → commit (admin only).

Why the session: the commit must apply exactly the file that was checked, without asking the
browser to upload it again. A dry run that passes stores the content (size-limited, base64) with
its digest and customer; the commit button posts the digest back, and the commit re-validates.
"""

import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.devices import importer
from webnet.ui.crud import active_customer, require
from webnet.ui.forms.imports import ImportUploadForm

SESSION_KEY = "ui_device_import"
MAX_SESSION_BYTES = 1024 * 1024  # keep the session row small; larger files go through the API


def _render(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "imports/upload.html", {"nav": "import", **context}, status=status)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request, "device", "import")
    customer = active_customer(request)
    if request.method != "POST":
        return _render(request, {"form": ImportUploadForm()})
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, {"form": form}, status=400)
    content = form.cleaned_data["file"].read(MAX_SESSION_BYTES + 1)
    if len(content) > MAX_SESSION_BYTES:
        form.add_error(
            "file",
            f"The file is larger than {MAX_SESSION_BYTES // 1024} KiB; "
            "use the API (/api/v1/devices/import/) for large imports.",
        )
        return _render(request, {"form": form}, status=400)
    on_existing = form.cleaned_data["on_existing"]
    create_sites = not form.cleaned_data["existing_sites_only"]
    report = importer.parse(request.user, content, customer, on_existing, create_sites)
    digest = hashlib.sha256(content).hexdigest()
    request.session.pop(SESSION_KEY, None)
    if report.ok:
        request.session[SESSION_KEY] = {
            "customer": customer.pk,
            "digest": digest,
            "content": base64.b64encode(content).decode(),
            "on_existing": on_existing,
            "create_sites": create_sites,
        }
    context = {
        "form": ImportUploadForm(),
        "report": report,
        "digest": digest,
        "filename": form.cleaned_data["file"].name,
    }
    return _render(request, context, status=200 if report.ok else 400)


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    require(request, "device", "import")
    customer = active_customer(request)
    pending = request.session.get(SESSION_KEY) or {}
    digest = request.POST.get("digest")
    if pending.get("customer") != customer.pk or pending.get("digest") != digest:
        messages.error(request, "Nothing to import: upload the file again and check the dry run.")
        return HttpResponseRedirect(reverse("ui:import_upload"))
    content = base64.b64decode(pending["content"])
    report = importer.commit(
        request.user, content, customer, pending["on_existing"], pending["create_sites"]
    )
    request.session.pop(SESSION_KEY, None)
    if not report.committed:
        return _render(request, {"form": ImportUploadForm(), "report": report}, status=400)
    updated = report.as_dict()["updated"]
    messages.success(request, f"Imported {len(report.rows)} device(s), {updated} updated.")
    return _render(request, {"form": ImportUploadForm(), "report": report, "committed": True})
