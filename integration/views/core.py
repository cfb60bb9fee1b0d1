import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from people.access import allow_password_reset
from people.forms import LoginForm
from sites.http import client_address


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers 200 only when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The demo logins work without a device; the page says so, in debug only (the deploy
        # check refuses OTP_REQUIRED off outside debug).
        return super().get_context_data(
            **kwargs, second_factor_off=settings.DEBUG and not settings.OTP_REQUIRED
        )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the mails throttled per client address and per account.

    A throttled request is answered exactly like one that sent a mail (the same redirect to
    the same page), so the page never tells whether an address has an account."""

    def form_valid(self, form):
        if allow_password_reset(
            address=client_address(self.request), email=form.cleaned_data["email"]
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


@login_not_required
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # The database went away before any view ran (e.g. while loading the session).
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
