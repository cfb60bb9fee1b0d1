"""Data protection pages: a person's rights (export, erasure), erasure decisions, the access
log and referrals that lost their consent.

The few small forms live here because only these views use them.
"""

from __future__ import annotations

import io
import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from integration.filters import AccessLogFilter
from integration.privacy import (
    build_personal_data_export,
    can_decide,
    decide_erasure,
    erasure_blockers,
    export_files,
    request_erasure,
    steps_with_withdrawn_consent_visible_to,
)
from people.access import log_access
from people.enums import AccessAction
from people.models import AccessLog, ErasureRequest, Migrant
from people.views.helpers import visible_migrant
from sites.errors import RuleError
from sites.http import page_of
from sites.permissions import is_supervisor_of, require_supervisor

# What the privacy pages show beside the person.
PRIVACY_RELATED = ("centre", "counsellor")


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Why the data is to be anonymised now, e.g. the person's request of a given "
            "date. Do not write the person's name here: this note is kept."
        ),
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve and anonymise now")),
            ("reject", gettext_lazy("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=gettext_lazy("Note on the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Required when rejecting."),
    )


def _person_page(
    request: HttpRequest, migrant: Migrant, request_form=None, status: int = 200
) -> HttpResponse:
    requests = list(
        migrant.erasure_requests.select_related("requested_by", "decided_by").order_by(
            "-requested_at"
        )
    )
    pending = [r for r in requests if r.status == ErasureRequest.Status.PENDING]
    for erasure_request in pending:
        erasure_request.migrant = migrant
        erasure_request.user_can_decide = can_decide(
            user=request.user, erasure_request=erasure_request
        )
    return render(
        request,
        "integration/privacy_person.html",
        {
            "migrant": migrant,
            "erasure_requests": requests,
            "blockers": erasure_blockers(migrant=migrant),
            "request_form": request_form or ErasureRequestForm(),
            "decision_form": ErasureDecisionForm(),
            "withdrawn_steps": steps_with_withdrawn_consent_visible_to(request.user).filter(
                goal__agreement__migrant=migrant
            ),
            "is_supervisor": is_supervisor_of(request.user, migrant.centre_id),
        },
        status=status,
    )


@require_GET
def person_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, visible_migrant(request, pk, related=PRIVACY_RELATED))


def _export_filename(migrant: Migrant, extension: str) -> str:
    today = timezone.localdate().isoformat()
    return f"auskunft-{migrant.case_number}-{today}.{extension}"


@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk, related=PRIVACY_RELATED)
    export = build_personal_data_export(migrant=migrant, user=request.user)
    log_access(user=request.user, action=AccessAction.GDPR_EXPORT, migrant=migrant, detail="JSON")
    content = json.dumps(export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = FileResponse(
        io.BytesIO(content.encode()),
        as_attachment=True,
        filename=_export_filename(migrant, "json"),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk, related=PRIVACY_RELATED)
    # Imported here: WeasyPrint is heavy and only this view of the module needs it. The
    # PDF module renders any HTML to PDF/A with the project's fonts, fetching nothing.
    from agreements import pdf

    export = build_personal_data_export(migrant=migrant, user=request.user)
    files = export_files(migrant=migrant)
    html = render_to_string(
        "integration/privacy_export_pdf.html",
        {"export": export, "migrant": migrant, "files": files},
    )
    content = pdf.html_to_pdf(html, attachments=files)
    log_access(user=request.user, action=AccessAction.GDPR_EXPORT, migrant=migrant, detail="PDF")
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=_export_filename(migrant, "pdf"),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def erasure_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk, related=PRIVACY_RELATED)
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            request_erasure(migrant=migrant, user=request.user, reason=form.cleaned_data["reason"])
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The erasure was requested. A supervisor of the centre has to approve it."),
            )
            return redirect("integration:privacy", pk=migrant.pk)
    return _person_page(request, migrant, request_form=form)


@require_GET
def erasure_list(request: HttpRequest) -> HttpResponse:
    visible = ErasureRequest.objects.visible_to(request.user).select_related(
        "migrant__centre", "requested_by", "decided_by"
    )
    pending = list(visible.filter(status=ErasureRequest.Status.PENDING).order_by("requested_at"))
    for erasure_request in pending:
        erasure_request.user_can_decide = can_decide(
            user=request.user, erasure_request=erasure_request
        )
    decided = visible.exclude(status=ErasureRequest.Status.PENDING).order_by("-decided_at")[:50]
    return render(
        request,
        "integration/privacy_erasure_list.html",
        {"pending": pending, "decided": decided, "decision_form": ErasureDecisionForm()},
    )


@require_POST
def erasure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = get_object_or_404(
        ErasureRequest.objects.visible_to(request.user).select_related("migrant"), pk=pk
    )
    require_supervisor(request.user, erasure_request.migrant.centre_id)
    form = ErasureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose approve or reject."))
        return redirect("integration:erasure-list")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide_erasure(
            erasure_request=erasure_request,
            user=request.user,
            approve=approve,
            note=form.cleaned_data["decision_note"],
        )
    except RuleError as error:
        messages.error(request, str(error))
        return redirect("integration:erasure-list")
    if approve:
        messages.success(request, _("The case was anonymised."))
    else:
        messages.success(request, _("The erasure request was rejected."))
    return redirect("integration:erasure-list")


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    entries = AccessLog.objects.visible_to(request.user).select_related("user", "migrant", "centre")
    log_filter = AccessLogFilter(request.GET or None, queryset=entries, user=request.user)
    # A query that does not validate shows nothing rather than everything.
    entries = log_filter.qs if not log_filter.is_bound or log_filter.is_valid() else entries.none()
    page = page_of(request, entries.order_by("-at", "-pk"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "integration/accesslog_list.html",
        {"form": log_filter.form, "page": page, "query": query.urlencode()},
    )


@require_GET
def withdrawn_consents(request: HttpRequest) -> HttpResponse:
    steps = steps_with_withdrawn_consent_visible_to(request.user)
    page = page_of(request, steps)
    return render(request, "integration/privacy_withdrawn_consents.html", {"page": page})
