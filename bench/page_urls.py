"""The URLs the page benchmark asks for, found by name in the code base it runs against
(a page that does not exist there yet is skipped with the reason). Used by `pages.py`."""

from __future__ import annotations

from common import Subjects


class NotYet(Exception):
    """The page does not exist (yet) in this code base."""


def url_named(name: str, *args, query: str = "") -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch as exc:
        raise NotYet(f"no URL named {name!r} (yet)") from exc


def routes(namespace: str) -> list[tuple[str, dict]]:
    """(name, converters) of the named routes in one URL namespace."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, ns, converters):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                child = f"{ns}{entry.namespace}:" if entry.namespace else ns
                walk(entry, child, {**converters, **entry.pattern.converters})
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{ns}{entry.name}", {**converters, **entry.pattern.converters}))

    walk(get_resolver(), "", {})
    return [(name, conv) for name, conv in found if name.startswith(f"{namespace}:")]


def comparison_url(s: Subjects) -> str:
    """The version comparison: its URL name and parameters are the agreements issue's
    choice, so find a route that compares and fill its parameters."""
    from django.urls import NoReverseMatch, reverse

    if s.previous_agreement_id is None:
        raise NotYet("the typical person has no amended agreement")
    words = ("compar", "diff")
    candidates = [
        (name, conv) for name, conv in routes("agreements") if any(w in name for w in words)
    ]
    if not candidates:
        raise NotYet("no version comparison URL in agreements (yet)")
    from agreements.models import Agreement

    current = Agreement.objects.get(pk=s.agreement_id)
    previous = Agreement.objects.get(pk=s.previous_agreement_id)
    by_name = {
        "pk": current.pk,
        "agreement_pk": current.pk,
        "agreement_id": current.pk,
        "new": current.pk,
        "new_pk": current.pk,
        "right": current.pk,
        "b": current.pk,
        "old": previous.pk,
        "old_pk": previous.pk,
        "other": previous.pk,
        "other_pk": previous.pk,
        "left": previous.pk,
        "a": previous.pk,
        "version": current.version,
        "new_version": current.version,
        "v2": current.version,
        "old_version": previous.version,
        "v1": previous.version,
        "number": current.number,
    }
    for name, converters in candidates:
        try:
            kwargs = {key: by_name[key] for key in converters}
            url = reverse(name, kwargs=kwargs)
        except (KeyError, NoReverseMatch):
            continue
        if len(converters) < 2:
            # One parameter (agreements:compare): the two versions by number in the query.
            url += f"?a={previous.version}&b={current.version}"
        return url
    raise NotYet(f"cannot fill the parameters of {[n for n, _ in candidates]}")


def dashboard_url(s: Subjects) -> str:
    for name, converters in routes("agreements"):
        if name == "agreements:dashboard":
            if converters:
                return url_named(name, s.centre_id)
            return url_named(name, query=f"?scope=c{s.centre_id}")
    raise NotYet("no URL named 'agreements:dashboard' (yet)")
