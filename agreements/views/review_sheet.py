"""The review sheet: the PDF handed to the client after a review."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from agreements.models import Review
from agreements.pdf import render_review_pdf
from agreements.views.helpers import attachment
from people.access import log_access
from people.enums import AccessAction


def review_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped as the review's page: a review outside the user's scope is a 404.
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related(
            "agreement__migrant", "agreement__centre", "agreement__counsellor", "partner"
        ),
        pk=pk,
    )
    content = render_review_pdf(review)
    agreement = review.agreement
    log_access(
        user=request.user,
        action=AccessAction.DOWNLOAD_PDF,
        migrant=agreement.migrant,
        detail=f"{agreement} review sheet {review.held_on:%d.%m.%Y}",
    )
    return attachment(
        content,
        f"Ueberpruefung-{agreement.number}-v{agreement.version}-{review.held_on:%Y-%m-%d}.pdf",
        "application/pdf",
    )
