from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.forms import ConsentRecordForm, WithdrawConsentForm, cleaned_values, posted
from people.models import Consent
from people.services import record_consent, withdraw_consent
from people.views.helpers import visible_migrant
from sites.errors import RuleError
from sites.http import form_status, safe_next_url


@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk, related=("centre",))
    initial = {}
    if request.GET.get("partner"):
        initial["recipient_partner"] = request.GET["partner"]
    form = ConsentRecordForm(posted(request), migrant=migrant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_consent(user=request.user, migrant=migrant, values=cleaned_values(form))
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect(safe_next_url(request, migrant.get_absolute_url() + "#consents"))
    return render(
        request,
        "people/consent_form.html",
        {"form": form, "migrant": migrant, "next": safe_next_url(request, "")},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user).select_related("migrant", "recipient_partner"),
        pk=pk,
    )
    form = WithdrawConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_consent(
                user=request.user, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"]
            )
        except RuleError as error:
            form.add_error("withdrawn_on", str(error))
        else:
            messages.success(
                request,
                _("The consent was withdrawn. Referrals can no longer rely on it."),
            )
            return redirect(consent.migrant.get_absolute_url() + "#consents")
    return render(
        request,
        "people/consent_withdraw.html",
        {"form": form, "consent": consent, "migrant": consent.migrant},
        status=form_status(form),
    )
