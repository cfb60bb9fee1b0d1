"""Small helpers every app's views share: htmx requests, list pages, response status."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Rows per page of every list; the pagination template and the query-count tests assume one
# size for all.
PAGE_SIZE = 50


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx: answer with the fragment it swaps, not a whole page."""
    return request.headers.get("HX-Request") == "true"


def page_of(request: HttpRequest, rows) -> Page:
    """The page of `rows` the query string asks for (the first or last one if it is wrong)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def form_status(form=None, *, conflict=None) -> int:
    """The status of a page that shows a form again: 409 when someone else saved first (the
    page shows their changes), 400 when the form has errors, else 200."""
    if conflict is not None:
        return 409
    if form is not None and form.errors:
        return 400
    return 200
