"""Looking up an agreement for a view, and sending its documents: the drafting, signing
and review pages share them."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from agreements.models import Agreement

# What the drafting pages show beside the agreement.
EDIT_PAGE_RELATED = (
    "migrant",
    "centre__municipality",
    "counsellor",
    "predecessor",
    "signed_document",  # a frozen PDF locks the draft (Agreement.is_prepared)
)


def visible_agreement(
    request: HttpRequest, pk: int, related: tuple[str, ...] = EDIT_PAGE_RELATED
) -> Agreement:
    """The agreement, if the user may see it; otherwise 404 (never 403, see visible_to)."""
    queryset = Agreement.objects.visible_to(request.user)
    # Not select_related() without names: that would follow every foreign key.
    if related:
        queryset = queryset.select_related(*related)
    return get_object_or_404(queryset, pk=pk)


def attachment(content: bytes, filename: str, content_type: str) -> FileResponse:
    """A document to download: never sniffed as another type, never kept in a cache."""
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
