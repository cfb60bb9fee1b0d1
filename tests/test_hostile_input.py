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
from tests.test_access_matrix import NOT_WALKED, fill
from tests.urlwalk import PUBLIC_URL_NAMES, HtmlField, HtmlForm, app_routes, forms_on_page

EXAMPLES_PER_FORM = 25

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
    page_url: str
    index: int  # position among the page's forms


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


def _discover(clients: dict, graph: CaseGraph) -> dict[str, FormLocation]:
    """Which page holds which form; worked out once, reused by every test."""
    if _FOUND:
        return _FOUND
    for route in app_routes():
        if route.name in PUBLIC_URL_NAMES | set(NOT_WALKED):
            continue
        url = fill(route, graph)
        for role, client in clients.items():
            response = _get_or_none(client, url)
            if (
                response is None
                or response.status_code != 200
                or "html" not in response.get("Content-Type", "")
            ):
                continue
            for index, form in enumerate(forms_on_page(response.content.decode(), url)):
                target = _target_name(form)
                if target is None or target in _SKIPPED_TARGETS:
                    continue
                key = target if form.method == "post" else f"{target}:get"
                _FOUND.setdefault(key, FormLocation(key, role, url, index))
    return _FOUND


@pytest.fixture
def setting(centre, counsellor, supervisor, client):
    from django.test import Client

    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
    owner, boss = client, Client()
    owner.force_login(counsellor)
    boss.force_login(supervisor)
    clients = {"owner": owner, "supervisor": boss}
    return graph, clients, _discover(clients, graph)


# --- throwing input --------------------------------------------------------------------


def _current_form(client, location: FormLocation, fallback: HtmlForm) -> HtmlForm:
    """The form as the page offers it now (a fresh revision), or as first seen if the
    page no longer offers it (e.g. the case was closed by an earlier example)."""
    response = client.get(location.page_url)
    if response.status_code == 200:
        forms = forms_on_page(response.content.decode(), location.page_url)
        same = [f for f in forms if _target_name(f) == _target_name(fallback)]
        if same:
            return same[0]
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


def _throw(client, location: FormLocation) -> int:
    """Runs the examples against one form; returns how many ran."""
    response = client.get(location.page_url)
    first_seen = forms_on_page(response.content.decode(), location.page_url)[location.index]
    fields = first_seen.editable() or {f.name: f for f in first_seen.fields if f.kind == "hidden"}
    runs = []
    state = {"form": first_seen, "stale": False}

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def examples(data):
        if state["stale"]:
            # The last example was accepted: the page now offers a new revision.
            state["form"] = _current_form(client, location, first_seen)
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
        if form.method == "post" and _rejected(response):
            body = response.content.decode(errors="replace")
            assert any(marker in body for marker in ERROR_MARKERS), (
                form.action,
                response.status_code,
                "rejected without a visible message",
            )

    examples()
    return len(runs)


def _run_kind(setting, pattern: str, what: str) -> None:
    _graph, clients, found = setting
    locations = [loc for key, loc in sorted(found.items()) if re.search(pattern, key)]
    if not locations:
        pytest.skip(f"no {what} form exists yet (no form posts to a URL matching {pattern})")
    for location in locations:
        assert _throw(clients[location.role], location) >= EXAMPLES_PER_FORM // 2


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
    _graph, clients, found = setting
    others = [
        loc
        for key, loc in sorted(found.items())
        if not any(re.search(p, key) for p in FORM_KINDS.values())
    ]
    assert others, "the search and filter forms at least should be found"
    counts = {loc.key: _throw(clients[loc.role], loc) for loc in others}
    with capsys.disabled():
        print(f"\nhostile input: {len(found)} forms found; other forms: {counts}")


def test_the_form_reader_finds_the_forms_the_issue_names(setting):
    _graph, _clients, found = setting
    assert {"integration:migrant-create", "integration:migrant-edit"} <= set(found)
