"""The second factor (issue 21): TOTP app and recovery codes after the password, for
supervisors and operators always and for counsellors where their centre asks it, with
production's setting on (the other suites run with the demo's, OTP_REQUIRED off)."""

from __future__ import annotations

import datetime
from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from integration.checks import second_factor_is_required
from integration.mfa.views import PENDING_KEY
from people.enums import AccessAction
from people.models import AccessLog
from sites.enums import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory, supervisor_of
from tests.test_security_headers import _production

SETUP = reverse("mfa:setup")
VERIFY = reverse("mfa:verify")
HOME = reverse("home")


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.OTP_REQUIRED = True


def _code(key_hex: str) -> str:
    """The code an authenticator app shows now for this key."""
    return f"{totp(unhexlify(key_hex), step=30, t0=0, digits=6):06d}"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _log_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


def _recovery(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Wiederherstellungscodes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def _verified(client, user) -> TOTPDevice:
    """Logged in with password and a real code, as the user would."""
    device = _app(user)
    _log_in(client, user)
    response = client.post(VERIFY, {"code": _code(device.key), "next": HOME})
    assert response.status_code == 302
    return device


def _forget_throttle(device) -> None:
    # The wait after a wrong code has passed (1 s for the first).
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=5)
    device.save()


# --- who is asked ------------------------------------------------------------------------


def test_supervisor_without_a_device_is_sent_to_set_up_before_any_page(client, supervisor):
    _log_in(client, supervisor)
    for url in (HOME, reverse("integration:migrant-list"), reverse("agreements:dashboard")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next={url.replace('/', '%2F')}"
    # Nor does a POST get through.
    response = client.post(reverse("integration:migrant-create"), {"first_name": "X"})
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_an_htmx_request_sends_the_whole_page_to_the_code_page(client, supervisor):
    _app(supervisor)
    _log_in(client, supervisor)
    response = client.get(
        reverse("agreements:reviews-due"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/klienten/?q=x",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{VERIFY}?next=%2Fklienten%2F%3Fq%3Dx"


def test_supervisor_with_a_device_is_asked_for_the_code(client, supervisor):
    _app(supervisor)
    _log_in(client, supervisor)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2F"


def test_the_login_logout_language_and_health_pages_work_before_the_code(client, supervisor):
    _app(supervisor)
    _log_in(client, supervisor)
    assert client.get(VERIFY).status_code == 200
    assert client.get(reverse("health")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("login"))


def test_the_admin_waits_for_the_second_factor_too(client, centre):
    operator = UserFactory(username="betrieb", is_staff=True, is_superuser=True)
    _log_in(client, operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_counsellor_is_not_asked_unless_the_centre_requires_it(client, counsellor, centre):
    _log_in(client, counsellor)
    assert client.get(HOME).status_code == 200
    centre.counsellors_need_second_factor = True
    centre.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_the_demo_setting_lets_everybody_in_without_a_device(client, supervisor, settings):
    settings.OTP_REQUIRED = False
    _app(supervisor)
    _log_in(client, supervisor)
    assert client.get(HOME).status_code == 200


# --- the code after the password ---------------------------------------------------------


def test_a_wrong_code_is_refused_and_the_right_one_lets_in(client, supervisor):
    device = _app(supervisor)
    _log_in(client, supervisor)
    response = client.post(VERIFY, {"code": _wrong(_code(device.key)), "next": "/klienten/"})
    assert response.status_code == 200
    assert "Dieser Code stimmt nicht" in response.content.decode()
    assert client.get(HOME).status_code == 302
    _forget_throttle(device)
    response = client.post(VERIFY, {"code": _code(device.key), "next": "/klienten/"})
    assert response.status_code == 302
    assert response["Location"] == "/klienten/"
    assert client.get(HOME).status_code == 200


def test_wrong_codes_are_throttled_even_before_the_right_one(client, supervisor):
    device = _app(supervisor)
    _log_in(client, supervisor)
    client.post(VERIFY, {"code": _wrong(_code(device.key))})
    response = client.post(VERIFY, {"code": _code(device.key)})
    assert response.status_code == 200
    assert "Zu viele falsche Codes" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled try is not even checked
    assert client.get(HOME).status_code == 302


def test_a_code_cannot_be_used_twice(client, supervisor):
    device = _app(supervisor)
    code = _code(device.key)
    _log_in(client, supervisor)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    _log_in(client, supervisor)
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_a_recovery_code_works_once(client, supervisor):
    _app(supervisor)
    _recovery(supervisor, "abcd2345", "efgh6723")
    _log_in(client, supervisor)
    response = client.post(VERIFY, {"code": "ABCD 2345"}, follow=True)
    assert response.redirect_chain[0] == (HOME, 302)
    assert "übrig: 1" in response.content.decode()
    client.post(reverse("logout"))
    _log_in(client, supervisor)
    response = client.post(VERIFY, {"code": "abcd2345"})
    assert response.status_code == 200
    assert client.get(HOME).status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]


def test_the_next_address_stays_on_this_site(client, supervisor):
    device = _app(supervisor)
    _log_in(client, supervisor)
    response = client.post(VERIFY, {"code": _code(device.key), "next": "https://example.com/"})
    assert response["Location"] == HOME


def test_verifying_changes_the_session_key(client, supervisor):
    device = _app(supervisor)
    _log_in(client, supervisor)
    before = client.session.session_key
    client.post(VERIFY, {"code": _code(device.key)})
    assert client.session.session_key != before


# --- setting up --------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key_and_confirms_with_a_code(client, supervisor):
    _log_in(client, supervisor)
    page = client.get(SETUP + "?next=/vereinbarungen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    key = client.session[PENDING_KEY]
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    # A wrong code sets nothing up.
    wrong = client.post(SETUP, {"code": _wrong(_code(key)), "next": "/vereinbarungen/"})
    assert wrong.status_code == 200
    assert "Dieser Code stimmt nicht" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    done = client.post(SETUP, {"code": _code(key), "next": "/vereinbarungen/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(code in done.content.decode() for code in codes)
    device = TOTPDevice.objects.get(user=supervisor)
    assert (device.confirmed, device.key) == (True, key)
    assert sorted(
        StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True)
    ) == sorted(codes)
    # This session has proved the new factor: the pages open.
    assert client.get(HOME).status_code == 200
    assert PENDING_KEY not in client.session


def test_the_key_shown_is_the_one_confirmed_across_page_loads(client, supervisor):
    _log_in(client, supervisor)
    client.get(SETUP)
    first = client.session[PENDING_KEY]
    client.get(SETUP)
    assert client.session[PENDING_KEY] == first


def test_a_password_alone_cannot_replace_an_existing_device(client, supervisor):
    device = _app(supervisor)
    _log_in(client, supervisor)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.post(SETUP, {"code": "123456"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [device]


def test_a_verified_user_sets_up_a_new_phone_and_new_recovery_codes(client, supervisor):
    old = _verified(client, supervisor)
    client.get(SETUP)
    key = client.session[PENDING_KEY]
    response = client.post(SETUP, {"code": _code(key)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=supervisor).values_list("key", flat=True)) == [key]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_recovery_codes_are_regenerated_and_the_old_ones_stop_working(client, supervisor):
    _verified(client, supervisor)
    _recovery(supervisor, "oldcode2")
    response = client.post(reverse("mfa:recovery-codes"))
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10
    tokens = set(
        StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True)
    )
    assert tokens == set(new)


def test_recovery_codes_are_not_regenerated_without_a_proven_factor(client, supervisor):
    _app(supervisor)
    _recovery(supervisor, "keepme22")
    _log_in(client, supervisor)
    response = client.post(reverse("mfa:recovery-codes"))
    assert response.status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["keepme22"]


def test_a_counsellor_who_needs_no_factor_is_told_so_on_the_set_up_page(client, counsellor):
    _log_in(client, counsellor)
    response = client.get(SETUP)
    assert response.status_code == 200
    assert "form" not in response.context
    assert "verlangt keinen zweiten Faktor" in response.content.decode()


# --- a supervisor resets a counsellor's factor -------------------------------------------


def test_supervisor_resets_a_counsellors_device_of_their_centre(
    client, supervisor, counsellor, centre
):
    centre.counsellors_need_second_factor = True
    centre.save()
    _app(counsellor)
    _recovery(counsellor, "lostcode")
    _verified(client, supervisor)
    url = reverse("mfa:reset", args=[counsellor.pk])
    manage = client.get(reverse("mfa:manage")).content.decode()
    assert url in manage
    assert client.get(url).status_code == 200
    # Without the confirmation nothing happens.
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Bitte bestätigen Sie" in response.content.decode()
    assert TOTPDevice.objects.filter(user=counsellor).exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    assert not StaticDevice.objects.filter(user=counsellor).exists()
    entry = AccessLog.objects.get(action=AccessAction.RESET_SECOND_FACTOR)
    assert (entry.user, entry.centre, entry.migrant) == (supervisor, centre, None)
    assert counsellor.username in entry.detail
    # The counsellor is asked to set up a new one.
    client.post(reverse("logout"))
    _log_in(client, counsellor)
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_supervisor_cannot_reset_a_device_of_another_centre(client, supervisor, outsider):
    device = _app(outsider)
    _verified(client, supervisor)
    url = reverse("mfa:reset", args=[outsider.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AccessLog.objects.exists()


def test_supervisor_cannot_reset_a_fellow_supervisor_or_an_operator(client, supervisor, centre):
    fellow = supervisor_of(centre)
    operator = UserFactory(username="betrieb", is_staff=True)
    MembershipFactory(user=operator, centre=centre, role=Role.COUNSELLOR)
    for user in (fellow, operator):
        _app(user)
    _verified(client, supervisor)
    for user in (fellow, operator):
        url = reverse("mfa:reset", args=[user.pk])
        assert client.post(url, {"confirm": "on"}).status_code == 403
        assert TOTPDevice.objects.filter(user=user).exists()


def test_a_counsellor_cannot_reset_a_colleagues_device(client, counsellor, colleague):
    _app(colleague)
    _log_in(client, counsellor)
    url = reverse("mfa:reset", args=[colleague.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_the_team_overview_costs_the_same_queries_for_1_and_20_members(
    client, supervisor, centre, django_assert_num_queries, settings
):
    settings.OTP_REQUIRED = False
    client.force_login(supervisor)
    url = reverse("mfa:manage")
    MembershipFactory(centre=centre, role=Role.COUNSELLOR)
    client.get(url)
    with django_assert_num_queries(9) as one:
        client.get(url)
    for _ in range(19):
        _app(MembershipFactory(centre=centre, role=Role.COUNSELLOR).user)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["team"]) == 20


# --- the demo and production settings ----------------------------------------------------


def test_the_demo_login_page_says_the_second_factor_is_off(client, settings, db):
    settings.DEBUG, settings.OTP_REQUIRED = True, False
    assert "Demo: zweiter Faktor ausgeschaltet" in client.get(reverse("login")).content.decode()
    settings.DEBUG, settings.OTP_REQUIRED = False, True
    assert "zweiter Faktor" not in client.get(reverse("login")).content.decode()


def test_the_deploy_check_refuses_the_second_factor_off_outside_debug(settings):
    settings.DEBUG, settings.OTP_REQUIRED = False, False
    assert [error.id for error in second_factor_is_required(None)] == ["integration.E002"]
    settings.DEBUG = True
    assert second_factor_is_required(None) == []
    settings.DEBUG, settings.OTP_REQUIRED = False, True
    assert second_factor_is_required(None) == []


def test_production_requires_the_second_factor_and_the_demo_does_not(monkeypatch):
    show = "import integration.settings as s; print(s.OTP_REQUIRED)"
    monkeypatch.delenv("OTP_REQUIRED", raising=False)
    assert _production(show).stdout.strip() == "True"
    # The demo: the same environment with DEBUG on (set before the settings are read).
    demo = _production("import os; os.environ['DEBUG'] = '1'; " + show)
    assert demo.stdout.strip() == "False"


def test_check_deploy_fails_with_the_second_factor_switched_off(monkeypatch):
    monkeypatch.setenv("OTP_REQUIRED", "0")
    result = _production("", "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "integration.E002" in result.stdout + result.stderr
