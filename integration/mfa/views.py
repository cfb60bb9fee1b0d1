from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from integration.mfa import services
from integration.mfa.forms import ResetForm, SetupForm, VerifyForm
from people.forms import posted
from sites.http import safe_next_url
from sites.models import User
from sites.permissions import is_supervisor, needs_second_factor, require_supervisor

PENDING_KEY = "mfa_pending_totp_key"


def _next_url(request: HttpRequest) -> str:
    return safe_next_url(request, reverse(settings.LOGIN_REDIRECT_URL))


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _may_manage(request: HttpRequest) -> bool:
    # Replacing the app or its recovery codes is for whoever proved the present one in this
    # session; a stolen password alone must not swap in the thief's phone.
    return request.user.is_verified() or not settings.OTP_REQUIRED


def _proved(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key for the session that now counts as proven.
    request.session.cycle_key()


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password: from the app, or one of the recovery codes."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return HttpResponseRedirect(next_url)
    if not services.has_second_factor(user):
        # Nothing to verify: set one up if it is needed, else on to the page.
        if needs_second_factor(user):
            return HttpResponseRedirect(_with_next("mfa:setup", next_url))
        return HttpResponseRedirect(next_url)
    form = VerifyForm(posted(request))
    if form.is_valid():
        result = services.verify(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            _proved(request, result.device)
            if result.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; left: %(count)s. Make new ones, or set up "
                        "your app again, under “Second factor”."
                    )
                    % {"count": result.recovery_codes_left},
                )
            return HttpResponseRedirect(next_url)
        if result.locked_until is not None:
            form.add_error(
                None,
                _("Too many wrong codes. Please try again after %(time)s.")
                % {"time": formats.time_format(timezone.localtime(result.locked_until), "H:i:s")},
            )
        else:
            form.add_error(
                "code",
                _("This code is not right. Enter the code your app shows now, or a recovery code."),
            )
    return render(
        request, "integration/second_factor_verify.html", {"form": form, "next": next_url}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the app: scan the QR code (or type the secret), confirm with a code; the
    recovery codes are shown once, on the answer to that."""
    user = request.user
    next_url = _next_url(request)
    if not needs_second_factor(user):
        return render(request, "integration/second_factor_setup.html", {"needed": False})
    replacing = services.has_second_factor(user)
    if replacing and not _may_manage(request):
        return HttpResponseRedirect(_with_next("mfa:verify", next_url))
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = request.session[PENDING_KEY] = services.new_totp_key()
    form = SetupForm(posted(request))
    if form.is_valid():
        confirmed = services.confirm_app(user=user, key=key, code=form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            del request.session[PENDING_KEY]
            _proved(request, device)
            return render(
                request,
                "integration/second_factor_recovery_codes.html",
                {"codes": codes, "next": next_url, "first_setup": True},
            )
        form.add_error(
            "code",
            _(
                "This code is not right. Check that your phone's clock is right and enter the "
                "code the app shows now."
            ),
        )
    return render(
        request,
        "integration/second_factor_setup.html",
        {
            "needed": True,
            "form": form,
            "next": next_url,
            "qr_code": services.qr_code_data_uri(user=user, key=key),
            "secret": services.secret_for_typing(key),
            "replacing": replacing,
        },
    )


@never_cache
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    """One's own second factor, and for supervisors their team's."""
    user = request.user
    context = {
        "needed": needs_second_factor(user),
        "device": services.app_device(user),
        "codes_left": services.recovery_codes_left(user),
        "may_manage": _may_manage(request),
        "team": None,
    }
    if is_supervisor(user):
        resettable = set(services.resettable_by(user).values_list("pk", flat=True))
        context["team"] = [
            (member, member.pk in resettable) for member in services.team_members(user)
        ]
    return render(request, "integration/second_factor_manage.html", context)


@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    if services.app_device(request.user) is None or not _may_manage(request):
        messages.error(request, _("Set up the authenticator app first."))
        return HttpResponseRedirect(reverse("mfa:manage"))
    codes = services.regenerate_recovery_codes(user=request.user)
    return render(
        request,
        "integration/second_factor_recovery_codes.html",
        {"codes": codes, "next": reverse("mfa:manage"), "first_setup": False},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor resets the second factor of a counsellor who lost their phone and
    their recovery codes; the counsellor sets up a new one at the next page."""
    # Somebody of the user's own centres, else 404: another centre's staff stay unseen.
    member = get_object_or_404(
        User.objects.filter(memberships__centre_id__in=request.user.centre_ids()).distinct(),
        pk=pk,
    )
    require_supervisor(request.user, message=_("Only supervisors reset a second factor."))
    if not services.resettable_by(request.user).filter(pk=member.pk).exists():
        raise PermissionDenied(
            _("You can reset the second factor of the counsellors of your centre only.")
        )
    form = ResetForm(posted(request))
    if form.is_valid():
        services.reset_second_factor(supervisor=request.user, counsellor=member)
        messages.success(
            request,
            _("The second factor of %(name)s is reset; they set up a new one when they log in.")
            % {"name": member},
        )
        return HttpResponseRedirect(reverse("mfa:manage"))
    return render(request, "integration/second_factor_reset.html", {"member": member, "form": form})
