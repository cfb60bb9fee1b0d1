"""The second factor: setting up a TOTP app, checking its codes and the recovery codes,
and a supervisor's reset of a counsellor's factor (written to the access log).

Built on django-otp's devices: one `TOTPDevice` (the app) and one `StaticDevice` holding
the single-use recovery codes per user. Both throttle wrong codes themselves (each failure
doubles the wait before the next try on that device); the count is written in the
request's transaction, which commits because a wrong code answers the form again.
"""

from __future__ import annotations

import base64
import datetime
import time
from binascii import unhexlify
from dataclasses import dataclass

import segno
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from people.enums import AccessAction
from people.models import AccessLog
from sites.enums import Role
from sites.models import Membership, User
from sites.permissions import supervised_centre_ids

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
APP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"


@dataclass(frozen=True)
class Verification:
    """What a code proved: the device that accepted it, or until when trying is blocked."""

    device: TOTPDevice | StaticDevice | None = None
    locked_until: datetime.datetime | None = None
    recovery_codes_left: int | None = None


def new_totp_key() -> str:
    """A fresh secret (hex, 20 bytes as RFC 6238 suggests for SHA-1), kept in the session
    until the user proves with a code that the app holds it."""
    return random_hex(20)


def secret_for_typing(key: str) -> str:
    """The secret as an app asks for it when typed (base32), in groups of four."""
    encoded = base64.b32encode(unhexlify(key)).decode("ascii")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code_data_uri(*, user: User, key: str) -> str:
    """The otpauth:// address as a QR code, an SVG data URI drawn here (nothing fetched)."""
    address = TOTPDevice(user=user, key=key).config_url
    return segno.make(address, error="m").svg_data_uri(scale=5, border=2)


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _is_app_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def _replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_app(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Make `key` the user's app if `code` is its current code; None if it is not.

    Replaces an earlier app and the recovery codes (a new phone), and returns the device and
    the new recovery codes, shown once."""
    code = _normalised(code)
    if not _is_app_code(code):
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=TOTP_DIGITS)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        # The code just used cannot be used again to verify (django-otp checks last_t).
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t()
        )
        codes = _replace_recovery_codes(user)
    return device, codes


def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        return _replace_recovery_codes(user)


def verify(*, user: User, code: str) -> Verification:
    """Check a code from the app (six digits) or a recovery code (used up by this)."""
    code = _normalised(code)
    model = TOTPDevice if _is_app_code(code) else StaticDevice
    with transaction.atomic():
        # Locked: two requests with the same code at once cannot both pass.
        devices = model.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                return Verification(locked_until=(details or {}).get("locked_until"))
            if device.verify_token(code):
                left = device.token_set.count() if model is StaticDevice else None
                return Verification(device=device, recovery_codes_left=left)
    return Verification()


# --- a supervisor's reset --------------------------------------------------------------


def team_members(supervisor: User) -> QuerySet[User]:
    """Everybody of the centres the user supervises, each with `has_factor`, for the team's
    overview (one query)."""
    return (
        User.objects.filter(memberships__centre_id__in=supervised_centre_ids(supervisor))
        .exclude(pk=supervisor.pk)
        .distinct()
        .annotate(has_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("last_name", "first_name", "username")
    )


def resettable_by(supervisor: User) -> QuerySet[User]:
    """The users whose second factor `supervisor` may reset: counsellors of a centre they
    supervise who hold no other role anywhere and do not run the system (resetting a fellow
    supervisor's or an operator's factor would be a way round it)."""
    other_roles = Membership.objects.exclude(role=Role.COUNSELLOR).values("user_id")
    return (
        User.objects.filter(
            memberships__centre_id__in=supervised_centre_ids(supervisor),
            memberships__role=Role.COUNSELLOR,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(pk=supervisor.pk)
        .exclude(pk__in=other_roles)
        .distinct()
    )


def reset_second_factor(*, supervisor: User, counsellor: User) -> AccessLog:
    """Remove the counsellor's app and recovery codes; their next page asks them to set up
    a new one. Logged in the access log of the centre, with who and when."""
    with transaction.atomic():
        centre_id = (
            Membership.objects.filter(
                user=counsellor,
                role=Role.COUNSELLOR,
                centre_id__in=supervised_centre_ids(supervisor),
            )
            .order_by("centre_id")
            .values_list("centre_id", flat=True)
            .first()
        )
        TOTPDevice.objects.filter(user=counsellor).delete()
        StaticDevice.objects.filter(user=counsellor).delete()
        return AccessLog.objects.create(
            user=supervisor,
            centre_id=centre_id,
            action=AccessAction.RESET_SECOND_FACTOR,
            detail=f"{counsellor.get_full_name() or counsellor.username} ({counsellor.username})",
        )
