"""System checks of the project's own settings (Django's cover the rest)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    # The verification address printed on signed agreements (and in their QR code) comes
    # from SITE_URL and stays on the paper for years; e-mail links need it too.
    site_url = settings.SITE_URL
    if site_url.startswith(("https://", "http://")) and len(site_url.split("/")) == 3:
        return []
    return [
        Error(
            "SITE_URL must be the application's public address, scheme and host without a "
            f"path, e.g. https://beratung.example.org (got {site_url!r}).",
            hint="Set the SITE_URL environment variable: it is printed on every agreement "
            "prepared for signing and used in reminder e-mails.",
            id="integration.E001",
        )
    ]


@register(Tags.security, deploy=True)
def second_factor_is_required(app_configs, **kwargs):
    # Supervisors and operators see many centres' people: a password alone is not enough.
    # Only the demo (DEBUG) may switch the second factor off.
    if settings.OTP_REQUIRED or settings.DEBUG:
        return []
    return [
        Error(
            "OTP_REQUIRED is off while DEBUG is off: supervisors and administrators would log "
            "in without a second factor.",
            hint="Remove OTP_REQUIRED=0 from the environment; only a demo with DEBUG=1 may "
            "switch the second factor off.",
            id="integration.E002",
        )
    ]
