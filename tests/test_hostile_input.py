"""Random and hostile input against every form of the application (hypothesis).

The forms are found the way a browser finds them: every page of the project is opened as
the owning counsellor and as the supervisor (URLs filled as in the access matrix), and
every <form> on them is read. Each form then gets examples in which some fields carry
very long text, control characters, NUL bytes, markup and script, SQL fragments, bad
dates, huge numbers or choices that were never offered.

For every example: never a 500; markup never comes back unescaped; a rejected form says
why (an error shown on the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CaseGraph
from tests.urlwalk import (
    NOT_WALKED,
    PUBLIC_URL_NAMES,
    HtmlField,
    HtmlForm,
    app_routes,
    fill,
    forms_on_page,
)

EXAMPLES_PER_FORM = 25
# Search, filter and one-button forms: fewer fields, fewer examples.
EXAMPLES_PER_OTHER_FORM = 10

# Markup that must come back escaped; each carries a token no template contains.
MARKUP = [
    '<script>alert("hostile-7f3")</script>',
    '"><img src=x onerror=alert("hostile-7f3")>',
    "<svg/onload=alert('hostile-7f3')>",
    "</textarea><b>hostile-7f3</b>",
]
HOSTILE_TEXT = [
    *MARKUP,
    "'; DROP TABLE integration_migrant; --",
    "1' OR '1'='1",
    "Robert'); DELETE FROM agreements_agreement; --",
    "\x00nul\x00byte",
    "\u202eevil right-to-left override",
    "\r\n\t\x0b\x0c\x1b[31mcontrol\x07",
    "{{ 7|add:7 }}{% debug %}",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "😀" * 120,
    "x" * 5000,
    "ä" * 70_000,
    " ",
    "",
]
BAD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "99999-01-01",
    "31.12.2026",
    "1.1.1",
    "-1",
    "9999-12-31",
    "0001-01-01",
    "2026-11-24T25:61",
    "tomorrow",
    "",
]
BAD_NUMBERS = [
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "-99999999999999999999",
    "NaN",
    "Infinity",
    "1.5",
    "0x1F",
    "١٢",
    "",
]
WRONG_CHOICES = ["not-a-choice", "0", "-1", "999999999999", "<script>", "", "on"]
TEXT_KINDS = {"text", "textarea", "email", "tel", "search", "url", "password"}
DATE_KINDS = {"date", "datetime-local", "time", "month", "week"}
# Refusals already reported to their owners that do not show their reason yet. Only the
# "shows why" check is waived; no 500 and escaping are still checked. Remove an entry once
# the page shows the reason.
SILENT_REFUSALS_REPORTED: dict[str, str] = {}
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger", 'role="alert"')


def _values_for(field: HtmlField) -> st.SearchStrategy[str]:
    hostile = st.sampled_from(HOSTILE_TEXT)
    if field.kind in TEXT_KINDS:
        return st.one_of(hostile, st.text(max_size=300))
    if field.kind in DATE_KINDS:
        return st.one_of(st.sampled_from(BAD_DATES), hostile)
    if field.kind == "number":
        return st.one_of(
            st.sampled_from(BAD_NUMBERS), st.integers(-(2**70), 2**70).map(str), hostile
        )
    if field.kind in {"select", "radio"}:
        offered = [value for value, _selected in field.options] or [""]
        return st.one_of(st.sampled_from(offered), st.sampled_from(WRONG_CHOICES), hostile)
    if field.kind == "checkbox":
        return st.sampled_from(["on", "", "off", "2", field.value or "on", "<x>"])
    return st.one_of(hostile, st.text(max_size=50))


# --- finding the forms -------------------------------------------------------------------


@dataclass(frozen=True)
class FormLocation:
    key: str  # target URL name, with ":get" for search/filter forms
    role: str  # "owner" or "supervisor"
    page: str  # URL name of the page that shows the form; filled anew in every test
    subject: str = ""  # a CaseGraph attribute for the page's pk, where the matrix's differs

    def page_url(self, graph: CaseGraph) -> str:
        route = next(r for r in app_routes() if r.name == self.page)
        if self.subject:
            return route.url({"pk": getattr(graph, self.subject).pk})
        return fill(route, graph)

    def find(self, forms: list[HtmlForm]) -> HtmlForm | None:
        for form in forms:
            target = _target_name(form)
            key = target if form.method == "post" else f"{target}:get"
            if key == self.key:
                return form
        return None


_FOUND: dict[str, FormLocation] = {}
_SKIPPED_TARGETS = {"logout"}  # would end the walking user's session


def _target_name(form: HtmlForm) -> str | None:
    try:
        return resolve(urlsplit(form.action).path).view_name
    except Resolver404:
        return None


def _get_or_none(client, url: str):
    try:
        return client.get(url)
    except Exception:  # a page that breaks is the access matrix's finding, not ours
        return None


# Forms that only appear for an object in a particular state: (page, CaseGraph attribute).
STATE_PAGES = [
    ("integration:privacy", "quiet_migrant"),  # closed, no request yet: the request form
    ("agreements:sign", "prepared_draft"),  # prepared for signing: the signature form
]


def _add_state_objects(graph: CaseGraph) -> None:
    import datetime
    import hashlib

    from agreements.models import SignedDocument
    from people.enums import CaseStatus
    from tests.factories import MINIMAL_PDF, AgreementFactory, GoalFactory, MigrantFactory

    base = {"centre": graph.centre, "counsellor": graph.counsellor}
    graph.quiet_migrant = MigrantFactory(
        pk=7003, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 6, 1), **base
    )
    graph.prepared_draft = AgreementFactory(pk=7053, migrant=MigrantFactory(pk=7004, **base))
    GoalFactory(agreement=graph.prepared_draft)
    SignedDocument.objects.create(
        agreement=graph.prepared_draft,
        pdf="agreements/pdf/prepared.pdf",
        sha256=hashlib.sha256(MINIMAL_PDF + b"prepared").hexdigest(),
        verification_code="PREP7053",
        prepared_by=graph.counsellor,
    )


def _discover(clients: dict, graph: CaseGraph) -> dict[str, FormLocation]:
    """Which page holds which form; worked out once, reused by every test."""
    if _FOUND:
        return _FOUND
    pages = [
        (route, "")
        for route in app_routes()
        if route.name not in PUBLIC_URL_NAMES | set(NOT_WALKED)
        # files, not pages: nothing to read forms from, and slow to render
        and not re.search(r"pdf|export|download", route.name)
    ]
    routes = {r.name: r for r in app_routes()}
    pages += [(routes[name], subject) for name, subject in STATE_PAGES if name in routes]
    for route, subject in pages:
        url = FormLocation("", "", route.name, subject).page_url(graph)
        for role, client in clients.items():
            response = _get_or_none(client, url)
            if (
                response is None
                or response.status_code != 200
                or "html" not in response.get("Content-Type", "")
            ):
                continue
            for form in forms_on_page(response.content.decode(), url):
                target = _target_name(form)
                if target is None or target in _SKIPPED_TARGETS:
                    continue
                key = target if form.method == "post" else f"{target}:get"
                _FOUND.setdefault(key, FormLocation(key, role, route.name, subject))
    return _FOUND


@pytest.fixture
def setting(centre, counsellor, supervisor, client):
    from django.test import Client

    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
    _add_state_objects(graph)
    owner, boss = client, Client()
    owner.force_login(counsellor)
    boss.force_login(supervisor)
    clients = {"owner": owner, "supervisor": boss}
    return graph, clients, _discover(clients, graph)


# --- throwing input --------------------------------------------------------------------


def _current_form(client, location: FormLocation, url: str, fallback: HtmlForm) -> HtmlForm:
    """The form as the page offers it now (a fresh revision), or as first seen if the
    page no longer offers it (e.g. the case was closed by an earlier example)."""
    response = client.get(url)
    if response.status_code == 200:
        found = location.find(forms_on_page(response.content.decode(), url))
        if found is not None:
            return found
    return fallback


def _context_values(response) -> list:
    context = response.context
    if context is None:
        return []
    contexts = context if isinstance(context, list) else [context]
    return [value for c in contexts for value in c.flatten().values()]


def _rejected(response) -> bool:
    """Whether the application refused the input (a bound form with errors, or 4xx)."""
    if response.status_code in {400, 409, 422}:
        return True
    for item in _context_values(response):
        if not getattr(item, "is_bound", False) or not hasattr(item, "errors"):
            continue
        errors = item.errors
        if isinstance(errors, list):  # a formset
            if any(errors) or item.non_form_errors():
                return True
        elif errors:
            return True
    return False


def _throw(
    client, location: FormLocation, graph: CaseGraph, examples_wanted: int = EXAMPLES_PER_FORM
) -> int:
    """Runs the examples against one form; returns how many ran."""
    url = location.page_url(graph)
    response = client.get(url)
    first_seen = location.find(forms_on_page(response.content.decode(), url))
    assert first_seen is not None, (
        f"{url} no longer offers the form {location.key}: {response.status_code}, forms "
        f"{[form.action for form in forms_on_page(response.content.decode(), url)]}"
    )
    fields = first_seen.editable()
    # A form of hidden fields only (e.g. an export of the current filter) can only be
    # tampered with; it need not explain itself to the tamperer.
    hidden_only = not fields
    if hidden_only:
        fields = {
            f.name: f
            for f in first_seen.fields
            if f.kind == "hidden" and f.name != "csrfmiddlewaretoken"
        }
    if not fields:
        return examples_wanted  # nothing to vary: a button (e.g. "discard draft")
    runs = []
    state = {"form": first_seen, "stale": False}

    @settings(
        max_examples=examples_wanted,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def examples(data):
        if state["stale"]:
            # The last example was accepted: the page now offers a new revision.
            state["form"] = _current_form(client, location, url, first_seen)
        form = state["form"]
        names = data.draw(st.sets(st.sampled_from(sorted(fields)), min_size=1, max_size=4))
        payload = form.data()
        for name in sorted(names):
            payload[name] = data.draw(_values_for(fields[name]), name)
        send = client.post if form.method == "post" else client.get
        response = send(form.action, payload)
        runs.append(1)
        state["stale"] = not _rejected(response)

        assert response.status_code < 500, (form.action, payload)
        pages = [response]
        if response.status_code in {301, 302, 303} and form.method == "post":
            pages.append(client.get(response["Location"]))
        for page in pages:
            body = page.content.decode(errors="replace")
            if "html" in page.get("Content-Type", ""):
                escaped_not = [m for m in MARKUP if m in payload.values() and m in body]
                assert escaped_not == [], (form.action, escaped_not)
        # A refused submission says why. (Search and filter forms store nothing; a value
        # their page never offers may simply be ignored.)
        silent_ok = location.key in SILENT_REFUSALS_REPORTED
        if form.method == "post" and not hidden_only and not silent_ok and _rejected(response):
            body = response.content.decode(errors="replace")
            assert any(marker in body for marker in ERROR_MARKERS), (
                form.action,
                response.status_code,
                "rejected without a visible message",
            )

    examples()
    return len(runs)


def _run_kind(setting, pattern: str, what: str) -> None:
    graph, clients, found = setting
    locations = [loc for key, loc in sorted(found.items()) if re.search(pattern, key)]
    if not locations:
        pytest.skip(f"no {what} form exists yet (no form posts to a URL matching {pattern})")
    for location in locations:
        runs = _throw(clients[location.role], location, graph)
        print(f"hostile input: {location.key}: {runs} examples")  # shown with -s
        assert runs >= EXAMPLES_PER_FORM // 2


# The forms the issue names; each is skipped, with its reason, until it exists.
FORM_KINDS = {
    "person create": r"^integration:migrant-create$",
    "person edit": r"^integration:migrant-edit$",
    "session": r"^integration:session-(add|edit)$",
    "consent": r"^integration:consent-(add|withdraw)$",
    "close or reopen a case": r"^integration:migrant-(close|reopen)$",
    "reassign": r"^integration:(migrant|caseload)-reassign$",
    "erasure": r"^integration:erasure-(request|decide)$",
    "agreement": r"^agreements:(create|new|add|edit|draft|situation)[\w-]*$",
    "agreement goal": r"^agreements:[\w-]*goal[\w-]*$",
    "agreement step": r"^agreements:[\w-]*step[\w-]*$",
    "review": r"^agreements:[\w-]*review[\w-]*$",
    "signature and upload": r"^agreements:[\w-]*(sign|scan|upload|prepare)[\w-]*$",
}


@pytest.mark.parametrize("what", list(FORM_KINDS))
def test_hostile_input_never_breaks_a_form(setting, what):
    _run_kind(setting, FORM_KINDS[what], what)


def test_hostile_input_never_breaks_any_other_form(setting, capsys):
    graph, clients, found = setting
    others = [
        loc
        for key, loc in sorted(found.items())
        if not any(re.search(p, key) for p in FORM_KINDS.values())
    ]
    assert others, "the search and filter forms at least should be found"
    counts = {
        loc.key: _throw(clients[loc.role], loc, graph, EXAMPLES_PER_OTHER_FORM) for loc in others
    }
    with capsys.disabled():
        print(f"\nhostile input: {len(found)} forms found; other forms: {counts}")


def test_the_form_reader_finds_the_forms_the_issue_names(setting):
    _graph, _clients, found = setting
    assert {"integration:migrant-create", "integration:migrant-edit"} <= set(found)


# --- uploads ---------------------------------------------------------------------------

UPLOAD_LIMIT = 4096  # bytes, set for the test so "too large" is cheap to produce


def _upload_bodies() -> st.SearchStrategy[bytes]:
    from tests.factories import MINIMAL_PDF, MINIMAL_PNG

    return st.one_of(
        st.sampled_from(
            [
                MINIMAL_PDF,
                MINIMAL_PNG,
                b"",
                b"<html><script>alert('hostile-7f3')</script></html>",
                b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                b"%PDF-1.7\n" + b"\x00" * 64,  # claims to be a PDF, is not one
                b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,  # a PNG header and nothing else
                b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
                b"MZ\x90\x00" + b"\x00" * 100,
                b"PK\x03\x04" + b"\x00" * 100,
                MINIMAL_PNG + b"<script>alert('hostile-7f3')</script>",  # polyglot
                MINIMAL_PDF + b"x" * UPLOAD_LIMIT,  # too large
            ]
        ),
        st.binary(max_size=600),
    )


HOSTILE_FILE_NAMES = [
    "scan.pdf",
    "scan.png",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "scan.pdf.exe",
    "scan.html",
    "<script>alert('hostile-7f3')</script>.pdf",
    "\u202egnp.exe",
    "a" * 300 + ".pdf",
    "scan",
]


@pytest.mark.skipif(
    "agreements:scan-upload" not in {r.name for r in app_routes()},
    reason="the scan upload does not exist yet",
)
def test_hostile_uploads_are_refused_or_stored_as_what_they_really_are(
    counsellor_client, centre, counsellor, supervisor, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from hypothesis import settings as hypothesis_settings

    from agreements.models import SignedDocument
    from agreements.services.scans import sniff_scan_type

    settings.MAX_UPLOAD_BYTES = UPLOAD_LIMIT
    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
    upload_url = reverse("agreements:scan-upload", args=[graph.signed.pk])
    download_url = reverse("agreements:scan-download", args=[graph.signed.pk])
    outcomes = {"stored": 0, "refused": 0}

    @hypothesis_settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None)
    @given(
        body=_upload_bodies(),
        name=st.sampled_from(HOSTILE_FILE_NAMES),
        declared=st.sampled_from(
            ["application/pdf", "image/png", "text/html", "application/x-msdownload", ""]
        ),
    )
    def examples(body, name, declared):
        before = SignedDocument.objects.get(pk=graph.document.pk)
        upload = SimpleUploadedFile(name, body, content_type=declared or "application/pdf")
        response = counsellor_client.post(upload_url, {"scan": upload})
        assert response.status_code < 500
        after = SignedDocument.objects.get(pk=graph.document.pk)
        if response.status_code == 302:
            outcomes["stored"] += 1
            stored = after.scan.open("rb").read()
            after.scan.close()
            assert stored == body
            assert after.scan_content_type == sniff_scan_type(body[:16])
            assert after.scan_content_type in {"application/pdf", "image/jpeg", "image/png"}
            assert ".." not in after.scan.name and after.scan.name.startswith("agreements/scans/")
            download = counsellor_client.get(download_url)
            assert download["Content-Type"] == after.scan_content_type
            assert download["Content-Disposition"].startswith("attachment;")
            assert download["X-Content-Type-Options"] == "nosniff"
        else:
            outcomes["refused"] += 1
            assert response.status_code == 400
            assert (after.scan.name, after.scan_sha256) == (before.scan.name, before.scan_sha256)
            assert any(marker in response.content.decode() for marker in ERROR_MARKERS)
            assert b"hostile-7f3')</script>" not in response.content

    examples()
    assert outcomes["refused"] > 0
