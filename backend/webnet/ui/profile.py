"""The user's own profile: the time zone times are shown in (blank: the browser's)."""

import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from webnet.ui.clock import COOKIE, zone_or_none
from webnet.ui.crud import apply_service_errors
from webnet.ui.forms.base import StyledForm
from webnet.users import services


class ProfileForm(StyledForm):
    time_zone = forms.ChoiceField(required=False, label="Time zone")

    def __init__(self, *args: object, detected: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        browser = f"The browser's ({detected})" if detected else "The browser's"
        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"].choices = [("", browser), *((z, z) for z in zones)]  # type: ignore[attr-defined]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    detected = request.COOKIES.get(COOKIE, "") if zone_or_none(request.COOKIES.get(COOKIE)) else ""
    initial = {"time_zone": request.user.time_zone}  # type: ignore[union-attr]
    form = ProfileForm(request.POST or None, initial=initial, detected=detected)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_time_zone(request.user, form.cleaned_data["time_zone"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return HttpResponseRedirect(reverse("ui:profile"))
    status = 400 if form.errors else 200
    context = {"form": form, "nav": "profile", "now": timezone.now()}
    return render(request, "users/profile.html", context, status=status)
