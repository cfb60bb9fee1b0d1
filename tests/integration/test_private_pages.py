"""Pages with personal data are sent `Cache-Control: private, no-store` (issue 21): no
shared proxy or browser cache keeps them after log-out. Static files stay cacheable."""

import pytest
from django.urls import reverse

from tests.factories import CaseGraph


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("home", None),
        ("integration:migrant-list", None),
        ("integration:migrant-detail", "migrant"),
        ("integration:migrant-history", "migrant"),
        ("integration:privacy-export-json", "migrant"),
        ("agreements:list", None),
        ("agreements:detail", "signed"),
        ("agreements:history", "signed"),
        ("agreements:preview-pdf", "draft"),
        ("agreements:reviews-due", None),
    ],
)
def test_every_page_for_a_signed_in_user_is_private_and_not_stored(
    counsellor_client, graph, name, key
):
    url = reverse(name, args=[getattr(graph, key).pk] if key else [])
    response = counsellor_client.get(url)

    assert response.status_code == 200, url
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response)


def test_a_redirect_and_an_error_page_for_a_signed_in_user_are_not_stored(counsellor_client):
    missing = counsellor_client.get(reverse("integration:migrant-detail", args=[999999]))
    assert missing.status_code == 404
    assert {"private", "no-store"} <= _directives(missing)


def test_the_supervisors_pages_are_private_too(supervisor_client, graph):
    for name in ("agreements:dashboard", "integration:access-log"):
        response = supervisor_client.get(reverse(name))
        assert response.status_code == 200
        assert {"private", "no-store"} <= _directives(response), name


def test_static_files_stay_cacheable_for_a_signed_in_user(counsellor_client):
    response = counsellor_client.get("/static/css/app.css")
    response.close()

    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_the_public_login_and_verification_pages_answer_as_before(client, db):
    login = client.get(reverse("login"))
    verify = client.get(reverse("agreements:verify"))

    assert (login.status_code, verify.status_code) == (200, 200)
    # The login page is Django's never_cache view; it must not be cached either.
    assert "no-store" in _directives(login)
    assert "public" not in _directives(verify)
