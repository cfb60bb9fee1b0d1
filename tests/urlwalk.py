"""Every URL pattern of the project, discovered from the URLconf, and filled with the
objects of one `CaseGraph` (used by the access matrix, the hostile-input and the
concurrency tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Reachable without logging in, on purpose.
PUBLIC_URL_NAMES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "set_language",
    "agreements:verify",  # whoever holds a printed agreement checks it (status only)
}

# Not walked: each entry says why.
NOT_WALKED: dict[str, str] = {
    "logout": "logging out ends the walking user's session; it has no object",
}


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name"
    pattern: str
    converters: dict  # parameter name -> converter

    def url(self, values: dict) -> str:
        return reverse(self.name, kwargs={k: values[k] for k in self.converters})


def iter_routes(
    resolver: URLResolver | None = None, prefix: str = "", ns: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            child_ns = f"{ns}{namespace}:" if namespace else ns
            yield from iter_routes(entry, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            converters = {
                **getattr(resolver.pattern, "converters", {}),
                **getattr(entry.pattern, "converters", {}),
            }
            name = f"{ns}{entry.name}" if entry.name else None
            yield Route(name=name, pattern=prefix + str(entry.pattern), converters=converters)


def app_routes() -> list[Route]:
    """The project's own routes: the Django admin has its own permission model."""
    return [r for r in iter_routes() if not r.pattern.startswith("admin/")]


def walked_routes() -> list[Route]:
    """The routes a signed-in user reaches: every app route but the public and excused."""
    return [r for r in app_routes() if r.name not in PUBLIC_URL_NAMES | set(NOT_WALKED)]


# --- how URL parameters are filled --------------------------------------------------------
# The values are names of `CaseGraph` attributes (or "municipality"). An exact URL name
# wins over a prefix; the longest prefix wins among prefixes.

BY_URL_NAME: dict[str, dict[str, str]] = {
    "integration:session-add": {"pk": "migrant"},
    "integration:consent-add": {"pk": "migrant"},
    "integration:erasure-decide": {"pk": "erasure_request"},
    # The record merged away names both merge pages (its pending request is unique).
    "integration:merge": {"pk": "migrant"},
    "integration:merge-decide": {"pk": "migrant"},
    "agreements:goal-add": {"pk": "draft"},
    "agreements:step-add": {"pk": "draft_goal"},
    "agreements:edit": {"pk": "draft"},
    "agreements:discard": {"pk": "draft"},
    "agreements:sign": {"pk": "draft"},
    "agreements:prepare": {"pk": "draft"},
    "agreements:unprepare": {"pk": "draft"},
    "agreements:preview-pdf": {"pk": "draft"},
    "agreements:step-progress": {"pk": "step"},
    "agreements:review-sheet": {"pk": "review"},
    "sites:centre-detail": {"pk": "centre"},
    "sites:municipality-detail": {"pk": "municipality"},
    "sites:partner-detail": {"pk": "partner"},
    "mfa:reset": {"pk": "counsellor"},
}

PK_BY_URL_PREFIX: dict[str, str] = {
    "integration:": "migrant",
    "integration:session-": "session",
    "integration:consent-": "consent",
    "agreements:": "signed",
    "agreements:draft-": "draft",
    "agreements:goal-": "draft_goal",
    "agreements:step-": "draft_step",
    "agreements:review-": "review",
    "agreements:outcome-": "outcome",
    "sites:": "centre",
    "sites:partner-": "partner",
    "sites:offer-": "offer",
    "sites:municipality-": "municipality",
}

# Parameters named after their object, wherever they appear.
BY_PARAMETER: dict[str, str] = {
    "migrant_pk": "migrant",
    "agreement_pk": "signed",
    "goal_pk": "goal",
    "step_pk": "step",
    "review_pk": "review",
    "session_pk": "session",
    "consent_pk": "consent",
    "document_pk": "document",
    "centre_pk": "centre",
    "partner_pk": "partner",
    "offer_pk": "offer",
    "municipality_pk": "municipality",
}

# Parameters that are not objects: a value every such URL accepts.
PLAIN_VALUES: dict[str, str] = {
    "direction": "up",
}


class UnfillableRoute(Exception):
    pass


def names_an_object(route: Route) -> bool:
    return bool(set(route.converters) - set(PLAIN_VALUES))


def _object_key(route: Route, parameter: str) -> str:
    if parameter in BY_URL_NAME.get(route.name, {}):
        return BY_URL_NAME[route.name][parameter]
    if parameter in BY_PARAMETER:
        return BY_PARAMETER[parameter]
    if parameter in ("pk", "id"):
        prefixes = [p for p in PK_BY_URL_PREFIX if route.name.startswith(p)]
        if prefixes:
            return PK_BY_URL_PREFIX[max(prefixes, key=len)]
    raise UnfillableRoute(
        f"The URL walk cannot fill <{parameter}> of {route.name} ({route.pattern}). "
        f"Add the URL name to BY_URL_NAME or a prefix to PK_BY_URL_PREFIX in "
        f"tests/urlwalk.py, naming the CaseGraph object it takes."
    )


def _value(graph, key: str):
    if key == "municipality":
        return graph.centre.municipality_id
    return getattr(graph, key).pk


def fill(route: Route, graph) -> str:
    """The route's URL, its parameters naming the objects of `graph`."""
    return route.url(
        {
            p: PLAIN_VALUES[p] if p in PLAIN_VALUES else _value(graph, _object_key(route, p))
            for p in route.converters
        }
    )


def fill_with_missing_objects(route: Route) -> str:
    """The route's URL, its parameters naming objects that do not exist."""
    values = {}
    for key, converter in route.converters.items():
        values[key] = PLAIN_VALUES.get(key) or {
            "IntConverter": 999999,
            "UUIDConverter": "00000000-0000-0000-0000-000000000000",
        }.get(type(converter).__name__, "x")
    return route.url(values)


# --- forms on a page, read as a browser would (used by the hostile-input and concurrency
# tests) ---------------------------------------------------------------------------------

import html.parser  # noqa: E402
from dataclasses import field as _field  # noqa: E402


@dataclass
class HtmlField:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, date, number, hidden, file, ...
    value: str = ""
    checked: bool = False
    options: list = _field(default_factory=list)  # select/radio: the offered values
    multiple: bool = False


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list = _field(default_factory=list)

    def data(self) -> dict:
        """What a browser submits without the user touching anything."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in {"submit", "button", "reset", "image", "file"}:
                continue
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and f.options and not f.multiple:
                    chosen = [f.options[0][0]]
                data.setdefault(f.name, []).extend(chosen)
                continue
            data.setdefault(f.name, []).append(f.value)
        return {k: v[0] if len(v) == 1 else v for k, v in data.items()}

    def editable(self) -> dict[str, HtmlField]:
        """One entry per field a user can change (radio groups and selects once)."""
        out: dict[str, HtmlField] = {}
        for f in self.fields:
            if f.kind in {"submit", "button", "reset", "image", "file", "hidden"}:
                continue
            if f.name in out and f.kind == "radio":
                out[f.name].options.append((f.value, f.checked))
                continue
            if f.kind == "radio":
                f = HtmlField(f.name, "radio", options=[(f.value, f.checked)])
            out.setdefault(f.name, f)
        return out


class _FormParser(html.parser.HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: HtmlField | None = None
        self._option: list | None = None
        self._textarea: HtmlField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            method = "post" if ("hx-post" in a or a.get("method", "").lower() == "post") else "get"
            action = a.get("hx-post") or a.get("action") or self.page_url
            self._form = HtmlForm(action=action, method=method)
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option = [a.get("value"), "selected" in a, ""]
                self._select.options.append(self._option)
            return
        elif tag == "input":
            self._form.fields.append(
                HtmlField(
                    a["name"],
                    a.get("type", "text").lower(),
                    value=a.get("value", ""),
                    checked="checked" in a,
                )
            )
        elif tag == "textarea":
            self._textarea = HtmlField(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = HtmlField(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.fields.append(HtmlField(a["name"], "submit", value=a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            # An option without a value attribute submits its text.
            self._select.options = [
                (value if value is not None else text.strip(), selected)
                for value, selected, text in self._select.options
            ]
            self._select = None
        elif tag == "option":
            self._option = None


def forms_on_page(page_html: str, page_url: str) -> list[HtmlForm]:
    parser = _FormParser(page_url)
    parser.feed(page_html)
    return parser.forms
