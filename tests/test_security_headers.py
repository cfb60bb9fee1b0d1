"""Hardening that a penetration tester checks first: headers, cookies, sessions, templates.

Production values are read from a fresh interpreter started with the production
environment, so these tests see what `DEBUG=0 HTTPS=1` really configures.
"""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"

PRODUCTION_ENV = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "beratung.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://beratung.example.org",
    "SITE_URL": "https://beratung.example.org",
}


def _production(code: str, *args: str) -> subprocess.CompletedProcess:
    # Without what pytest-env sets for the tests (DJANGO_ALLOW_ASYNC_UNSAFE, ...).
    test_only = {"DEBUG", "HTTPS", "SECRET_KEY", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "integration.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production_settings() -> dict:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_REFRESH_SECONDS",
        "MIDDLEWARE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "STORAGES",
        "MEDIA_URL",
        "PRIVATE_MEDIA_ROOT",
        "STATIC_ROOT",
    ]
    code = (
        "import json; from integration import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = _production(code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_force_https_and_secure_cookies(production_settings):
    assert {
        k: production_settings[k]
        for k in [
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "CSRF_COOKIE_SECURE",
            "CSRF_COOKIE_HTTPONLY",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_CONTENT_TYPE_NOSNIFF",
        ]
    } == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60


def test_production_sessions_expire_when_idle_and_with_the_browser(production_settings):
    assert production_settings["SESSION_COOKIE_AGE"] <= 60 * 60
    # Idle, not absolute: a used session is written again at least once a minute.
    assert "integration.middleware.IdleSessionMiddleware" in production_settings["MIDDLEWARE"]
    assert production_settings["SESSION_REFRESH_SECONDS"] <= 60
    assert production_settings["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert production_settings["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}


def test_uploaded_files_have_no_public_url_in_production(production_settings):
    storage = production_settings["STORAGES"]["default"]
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    # No base URL: a stored PDF or scan can only leave through a permission-checked view.
    assert storage["OPTIONS"]["base_url"] is None
    assert production_settings["MEDIA_URL"] in ("", None)
    private = Path(production_settings["PRIVATE_MEDIA_ROOT"]).resolve()
    static = Path(production_settings["STATIC_ROOT"]).resolve()
    assert not private.is_relative_to(static) and not static.is_relative_to(private)


def test_deploy_check_is_clean_under_production_settings():
    result = _production("", "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


# --- response headers ------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True], ids=["login-page", "start-page"])
def test_pages_send_a_strict_content_security_policy(client, counsellor, logged_in):
    if logged_in:
        client.force_login(counsellor)
    response = client.get(reverse("home" if logged_in else "login"))
    assert response.status_code == 200
    csp = _csp(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert (csp["script-src"], csp["style-src"], csp["object-src"], csp["frame-ancestors"]) == (
        ["'self'"],
        ["'self'"],
        ["'none'"],
        ["'none'"],
    )


@pytest.mark.django_db
def test_pages_forbid_framing_sniffing_and_leaking_the_referrer(client):
    response = client.get(reverse("login"))
    assert (
        response["X-Frame-Options"],
        response["X-Content-Type-Options"],
        response["Referrer-Policy"],
        response["Cross-Origin-Opener-Policy"],
    ) == ("DENY", "nosniff", "same-origin", "same-origin")


@pytest.mark.django_db
def test_hsts_is_sent_over_https_with_production_values(client, settings, production_settings):
    settings.SECURE_HSTS_SECONDS = production_settings["SECURE_HSTS_SECONDS"]
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    settings.SECURE_HSTS_PRELOAD = production_settings["SECURE_HSTS_PRELOAD"]
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith(
        f"max-age={production_settings['SECURE_HSTS_SECONDS']}; includeSubDomains"
    )


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert (response.status_code, response["Location"][:8]) == (301, "https://")


@pytest.mark.django_db
def test_session_cookie_is_secure_httponly_and_samesite(client, settings, counsellor):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"),
        {"username": "berater", "password": "correct-horse-battery"},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")
    # Expires with the browser: no persistent expiry date on the cookie.
    assert cookie["expires"] == ""


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_a_used_session_is_kept_alive_but_written_at_most_once_a_minute(
    client, counsellor, settings
):
    client.force_login(counsellor)
    first = _expiry(client)
    client.get(reverse("home"))
    client.get(reverse("home"))
    assert _expiry(client) == first, "written again within the minute of logging in"

    # A minute later the next request moves the idle limit on.
    session = client.session
    session["_seen"] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.update(expire_date=first - datetime.timedelta(minutes=5))
    client.get(reverse("home"))
    assert _expiry(client) >= first


@pytest.mark.django_db
def test_a_visit_without_a_session_creates_none(client):
    client.get(reverse("login"))
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_an_idle_session_ends_and_the_next_request_asks_for_login(client, counsellor):
    client.force_login(counsellor)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- templates keep the CSP honest -------------------------------------------------------


# Rendered by WeasyPrint into PDFs, never served to a browser: they may carry <style>.
def _is_pdf_template(path: Path) -> bool:
    relative = path.relative_to(TEMPLATES).as_posix()
    return relative.startswith("agreements/pdf/") or relative.endswith("_pdf.html")


TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if not _is_pdf_template(p))


def test_the_template_walk_finds_the_templates():
    assert len(_template_files()) >= 20


def test_no_template_has_inline_scripts_handlers_or_styles():
    problems = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES).as_posix()
        for match in INLINE_SCRIPT.finditer(text):
            if "src=" not in match["attrs"] or match["body"].strip():
                problems.append(f"{name}: inline <script>")
        if re.search(r"<style\b", text, re.I):
            problems.append(f"{name}: <style> element")
        if re.search(r"javascript:", text, re.I):
            problems.append(f"{name}: javascript: URL")
        for tag in TAG.findall(text):
            if HANDLER.search(tag):
                problems.append(f"{name}: event handler attribute in {tag[:60]!r}")
            if STYLE_ATTRIBUTE.search(tag):
                problems.append(f"{name}: style attribute in {tag[:60]!r}")
    assert problems == []


def test_the_template_check_catches_what_it_looks_for(tmp_path):
    # The patterns themselves, on known-bad snippets.
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert HANDLER.search('<a href="#" onclick="x()">')
    assert HANDLER.search('<div hx-on:click="x()">')
    assert STYLE_ATTRIBUTE.search('<p style="color:red">')
    assert not HANDLER.search('<a href="/" data-confirm="ok">')
