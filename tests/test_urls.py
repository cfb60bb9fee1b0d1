import pytest
from django.urls import NoReverseMatch

from tests.urlwalk import PUBLIC_URL_NAMES, app_routes, iter_routes


def test_every_url_pattern_has_a_name():
    unnamed = [
        r.pattern for r in iter_routes() if r.name is None and not r.pattern.startswith("admin/")
    ]
    assert unnamed == []


def _placeholder_values(route):
    values = {}
    for key, converter in route.converters.items():
        kind = type(converter).__name__
        values[key] = {
            "IntConverter": 999999,
            "UUIDConverter": "00000000-0000-0000-0000-000000000000",
        }.get(kind, "x")
    if "token" in route.converters:
        values["token"] = "set-password"
    return values


@pytest.mark.django_db
def test_every_non_public_url_sends_anonymous_users_to_login(client):
    checked = 0
    for route in app_routes():
        if route.name in PUBLIC_URL_NAMES or route.name.startswith("debug-"):
            continue
        try:
            url = route.url(_placeholder_values(route))
        except NoReverseMatch:  # pragma: no cover - a failing reverse is a bug in the walk
            pytest.fail(f"cannot build {route.name}")
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (route.name, method, response.status_code)
            assert response["Location"].startswith("/konto/anmelden/"), (route.name, method)
        checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_public_pages_answer_anonymous_users(client):
    for name in ["login", "password_reset", "password_reset_done", "health"]:
        from django.urls import reverse

        assert client.get(reverse(name)).status_code == 200, name
