"""Nobody who needs a second factor reaches a page before proving it."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from integration.mfa.services import has_second_factor
from sites.http import is_htmx
from sites.permissions import needs_second_factor

# What a signed-in user reaches before the second factor: logging in and out, the code and
# set-up pages themselves, the language switch and the load balancer's check. Static files
# never get here (whitenoise answers them first). Everything else, the admin included,
# waits for the code.
ALLOWED_BEFORE_SECOND_FACTOR = {
    "login",
    "logout",
    "health",
    "set_language",
    "mfa:verify",
    "mfa:setup",
}


class SecondFactorMiddleware:
    """After the password, sends a user who needs a second factor (`needs_second_factor`)
    to the code page, or to set one up if they have none, keeping where they were going.

    A middleware rather than a decorator, so that a new view cannot forget it. After
    django_otp's OTPMiddleware, which tells whether this session proved a factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.OTP_REQUIRED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in ALLOWED_BEFORE_SECOND_FACTOR:
            return None
        if not needs_second_factor(user):
            return None
        target = reverse("mfa:verify" if has_second_factor(user) else "mfa:setup")
        if is_htmx(request):
            # htmx would swap the code page into a fragment: the whole page goes there, and
            # back to the page the fragment belongs to.
            back = request.headers.get("HX-Current-URL", "")
            back = urlsplit(back)._replace(scheme="", netloc="").geturl() or reverse("home")
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{target}?{urlencode({'next': back})}"
            return response
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
