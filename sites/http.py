"""Small helpers every app's views share: htmx requests, list pages, response status."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# Rows per page of every list; the pagination template and the query-count tests assume one
# size for all.
PAGE_SIZE = 50


def client_address(request: HttpRequest) -> str:
    """The client's address, for every rate limit and lockout (the verification page, the
    password-reset throttle, django-axes through AXES_CLIENT_IP_CALLABLE).

    Behind the one trusted proxy the connection comes from the proxy, which appends the
    client's address to X-Forwarded-For: its LAST entry. Earlier entries are whatever the
    client sent and would let it pick a fresh address for every attempt. A last entry that
    is no address (a misconfigured proxy) counts as the proxy's own.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            try:
                return str(ipaddress.ip_address(entries[-1]))
            except ValueError:
                return remote
    return remote


# The largest id a bigint column holds (every primary key here is a BigAutoField).
LARGEST_ID = 2**63 - 1


def object_id(value: str | None) -> int | None:
    """The id a query parameter names, or None for anything that is no plain whole number
    in the columns' range: right-to-left marks, zero-width characters, emoji, NUL, other
    digits than 0-9 (int() reads "١٢"), thousands of digits (int() refuses those with a
    ValueError) or a number past bigint (PostgreSQL refuses it)."""
    if not value or len(value) > 19 or not (value.isascii() and value.isdecimal()):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx: answer with the fragment it swaps, not a whole page."""
    return request.headers.get("HX-Request") == "true"


def safe_next_url(request: HttpRequest, fallback: str) -> str:
    """The `next` address the form or link carries, if it stays on this site; else
    `fallback` (no open redirect through `next=`)."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


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
