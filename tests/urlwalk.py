"""Every URL pattern of the project, discovered from the URLconf."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Reachable without logging in, on purpose.
PUBLIC_URL_NAMES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "set_language",
}


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name"
    pattern: str
    converters: dict  # parameter name -> converter

    def url(self, values: dict) -> str:
        from django.urls import reverse

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
