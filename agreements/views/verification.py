"""The public page that checks a printed agreement (the paper's code or QR code)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.forms.signing import VerifyForm
from agreements.services.verification import TooManyLookups, look_up
from sites.http import client_address


@login_not_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Tell whoever holds the paper whether it is genuine and in force.

    Anonymous visitors and users of other centres learn the agreement number, version,
    centre, status and dates, never the person or the content; users of the agreement's
    centre also get the link to it and the person's name.
    """
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_valid():
        try:
            result = look_up(
                code=form.cleaned_data["code"], address=client_address(request), user=request.user
            )
        except TooManyLookups:
            return render(
                request,
                "agreements/verify_limited.html",
                {"minutes": settings.VERIFY_RATE_WINDOW_MINUTES},
                status=429,
            )
    return render(request, "agreements/verify.html", {"form": form, "result": result})
