import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import integration.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_secret_key_outside_debug():
    result = _import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("x" * 16 + "abcd", "SECRET_KEY must be at least 50 characters long"),
        ("a" * 60, "with at least 5 different ones"),
        ("insecure-development-key-do-not-use-in-production", "insecure development default"),
        ("django-insecure-" + "k3J9x" * 12, "insecure development default"),
    ],
)
def test_settings_refuse_a_weak_secret_key_outside_debug(key, message):
    result = _import_settings(DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert key not in result.stderr  # the message never repeats the key


def test_settings_accept_a_generated_secret_key_outside_debug():
    assert _import_settings(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50)).returncode == 0


def test_settings_accept_a_short_secret_key_in_debug():
    assert _import_settings(DEBUG="1", SECRET_KEY="short").returncode == 0


def test_settings_start_without_secret_key_in_debug():
    assert _import_settings(DEBUG="1").returncode == 0


def test_settings_reject_a_boolean_that_is_not_one():
    result = _import_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_settings_default_to_german_in_berlin_time():
    from django.conf import settings

    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE) == ("de", "Europe/Berlin")
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True
