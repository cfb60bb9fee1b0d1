from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.enums import AgreementStatus
from agreements.forms.drafting import SignatureForm
from agreements.forms.signing import ScanForm
from agreements.pdf import render_agreement_pdf
from agreements.services.documents import attach_scan, ensure_signed_document
from agreements.services.lifecycle import (
    prepare_for_signing,
    sign_agreement,
    withdraw_preparation,
)
from agreements.views.helpers import attachment, visible_agreement
from people.access import log_access
from people.enums import AccessAction
from sites.errors import ConflictError, RuleError
from sites.http import form_status

# What the signing pages show beside the agreement.
SIGNING_RELATED = ("migrant", "centre", "counsellor")


def _document(agreement):
    """The version's frozen PDF; a signed version without one (generated data) gets it now."""
    document = getattr(agreement, "signed_document", None)
    if document is None and agreement.signed_on is not None:
        document = ensure_signed_document(agreement=agreement)
    return document


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Print, then record the signatures, then keep the scan."""
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    document = _document(agreement)
    form = SignatureForm(
        request.POST or None,
        initial={
            "revision": agreement.revision,
            "signed_on": timezone.localdate(),
            "place": agreement.centre.city,
            "interpreter_present": agreement.interpreter_present,
        },
    )
    if request.method == "POST" and agreement.status != AgreementStatus.DRAFT:
        # A second tab or a double click: the version is signed already.
        form.is_valid()
        form.add_error(None, _("Only a draft can be signed."))
    elif request.method == "POST" and form.is_valid():
        try:
            sign_agreement(
                agreement=agreement,
                user=request.user,
                signed_on=form.cleaned_data["signed_on"],
                place=form.cleaned_data["place"],
                signed_by_migrant=form.cleaned_data["signed_by_migrant"],
                signed_by_counsellor=form.cleaned_data["signed_by_counsellor"],
                interpreter_present=form.cleaned_data["interpreter_present"],
                expected_revision=form.cleaned_data["revision"],
            )
        except ConflictError:
            form.add_error(
                None,
                _("The agreement was changed after you opened this page. Print it again."),
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The signatures were recorded. The agreement is active."))
            return redirect("agreements:sign", agreement.pk)
    return render(
        request,
        "agreements/signing_page.html",
        {
            "agreement": agreement,
            "document": document,
            "form": form,
            "scan_form": ScanForm(),
        },
        status=form_status(form),
    )


@require_POST
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    try:
        prepare_for_signing(agreement=agreement, user=request.user)
    except RuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The agreement was prepared for signing. Print the PDF and sign it together."),
        )
    return redirect("agreements:sign", agreement.pk)


@require_POST
def unprepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back the preparation: the frozen PDF is discarded, the draft editable again."""
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    try:
        withdraw_preparation(user=request.user, agreement=agreement)
    except RuleError as error:
        messages.error(request, str(error))
        return redirect("agreements:sign", agreement.pk)
    messages.success(
        request,
        _(
            "The preparation was taken back: the frozen PDF was discarded and the draft "
            "can be edited again. Destroy any copy printed from it."
        ),
    )
    return redirect("agreements:edit", agreement.pk)


def frozen_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    document = _document(agreement)
    if document is None or not document.pdf:
        raise Http404
    with document.pdf.open("rb") as handle:
        content = handle.read()
    log_access(
        user=request.user,
        action=AccessAction.DOWNLOAD_PDF,
        migrant=agreement.migrant,
        detail=f"{agreement} ({document.sha256[:12]})",
    )
    return attachment(
        content,
        f"Integrationsvereinbarung-{agreement.number}-v{agreement.version}.pdf",
        "application/pdf",
    )


def preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft as it would print, or the blank form to fill in by hand; never stored."""
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    blank = request.GET.get("blank") == "1"
    if agreement.status != AgreementStatus.DRAFT and not blank:
        return redirect("agreements:pdf", agreement.pk)
    content = render_agreement_pdf(agreement, blank=blank)
    log_access(
        user=request.user,
        action=AccessAction.DOWNLOAD_PDF,
        migrant=agreement.migrant,
        detail=f"{agreement} ({'blank form' if blank else 'preview'})",
    )
    suffix = "Formular" if blank else "Entwurf"
    return attachment(
        content, f"Integrationsvereinbarung-{agreement.number}-{suffix}.pdf", "application/pdf"
    )


@require_POST
def scan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attach_scan(agreement=agreement, user=request.user, upload=form.cleaned_data["scan"])
        except RuleError as error:
            form.add_error("scan", str(error))
        else:
            messages.success(request, _("The scan of the signed agreement was stored."))
            return redirect("agreements:sign", agreement.pk)
    return render(
        request,
        "agreements/signing_page.html",
        {
            "agreement": agreement,
            "document": getattr(agreement, "signed_document", None),
            "form": SignatureForm(initial={"revision": agreement.revision}),
            "scan_form": form,
        },
        status=400,
    )


def scan_download(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk, related=SIGNING_RELATED)
    document = getattr(agreement, "signed_document", None)
    if document is None or not document.scan:
        raise Http404
    with document.scan.open("rb") as handle:
        content = handle.read()
    log_access(
        user=request.user,
        action=AccessAction.DOWNLOAD_SCAN,
        migrant=agreement.migrant,
        detail=f"{agreement} scan ({document.scan_sha256[:12]})",
    )
    extension = document.scan.name.rsplit(".", 1)[-1]
    return attachment(
        content,
        f"Integrationsvereinbarung-{agreement.number}-v{agreement.version}-Scan.{extension}",
        document.scan_content_type or "application/octet-stream",
    )
