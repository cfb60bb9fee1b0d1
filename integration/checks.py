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
