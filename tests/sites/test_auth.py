import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_page_speaks_german_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()
    assert "Anmelden" in response.content.decode()


def test_counsellor_logs_in_and_sees_the_start_page(client, counsellor):
    response = client.post(
        reverse("login"), {"username": "berater", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == counsellor


def test_wrong_password_shows_a_german_message_and_does_not_log_in(client, counsellor):
    response = client.post(reverse("login"), {"username": "berater", "password": "falsch"})
    assert response.status_code == 200
    assert "Bitte geben Sie einen korrekten Benutzernamen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(counsellor_client):
    response = counsellor_client.post(reverse("logout"))
    assert response.status_code == 302
    assert counsellor_client.get(reverse("home")).status_code == 302


def test_repeated_failures_lock_the_login_with_a_german_message(client, counsellor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "berater", "password": "falsch"})
    response = client.post(reverse("login"), {"username": "berater", "password": PASSWORD})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_mail_with_a_working_link(client, counsellor, mailoutbox):
    client.post(reverse("password_reset"), {"email": counsellor.email})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/konto/passwort-neu/" in line)
    response = client.get(link.split("testserver")[1], follow=True)
    assert response.context["validlink"] is True


def test_session_expires_after_inactivity(settings):
    assert "integration.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


@pytest.mark.parametrize("status", [404])
def test_error_pages_use_the_application_look(client, counsellor, status):
    client.force_login(counsellor)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == status
    assert "Seite nicht gefunden" in response.content.decode()


def test_admin_is_for_superusers_only(client, supervisor):
    supervisor.is_staff = True
    supervisor.save()
    client.force_login(supervisor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


PROXY = "10.0.0.1"


def _login_through_proxy(client, client_address: str, password: str):
    return client.post(
        reverse("login"),
        {"username": "berater", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_the_proxy_failures_lock_the_user_at_that_address_only(client, counsellor, settings):
    settings.BEHIND_PROXY = True
    attacker, owner = "203.0.113.5", "198.51.100.7"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_through_proxy(client, attacker, "falsch")

    assert _login_through_proxy(client, attacker, PASSWORD).status_code == 429
    # The same user from another address (through the same proxy) logs in.
    assert _login_through_proxy(client, owner, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(counsellor.pk)


def test_behind_the_proxy_a_forged_first_forwarded_entry_does_not_escape_the_lock(
    client, counsellor, settings
):
    settings.BEHIND_PROXY = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The client writes an address of its own choosing in front of the proxy's entry.
        _login_through_proxy(client, f"192.0.2.{number}, 203.0.113.5", "falsch")

    assert _login_through_proxy(client, "192.0.2.99, 203.0.113.5", PASSWORD).status_code == 429


def test_without_the_proxy_setting_the_forwarded_header_is_ignored(client, counsellor, settings):
    settings.BEHIND_PROXY = False
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login_through_proxy(client, f"203.0.113.{number}", "falsch")

    assert _login_through_proxy(client, "198.51.100.7", PASSWORD).status_code == 429


def _ask_for_reset(client, email: str, address: str = "203.0.113.5"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_are_throttled_per_account(client, counsellor, mailoutbox, settings):
    limit = settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT
    answers = [
        _ask_for_reset(client, counsellor.email, address=f"203.0.113.{number}")
        for number in range(limit + 17)
    ]

    assert len(mailoutbox) == limit == 3
    # Every answer is the same, whether a mail went out or not.
    assert {(answer.status_code, answer.url) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }


def test_password_reset_mails_are_throttled_per_address(client, db, mailoutbox, settings):
    from tests.factories import UserFactory

    users = [UserFactory(email=f"person{number}@example.org") for number in range(12)]
    for user in users:
        _ask_for_reset(client, user.email)

    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 10
    # Another address is not affected.
    _ask_for_reset(client, users[-1].email, address="198.51.100.7")
    assert len(mailoutbox) == 11


def test_an_unknown_address_is_counted_and_answered_like_a_known_one(
    client, counsellor, mailoutbox
):
    known = _ask_for_reset(client, counsellor.email)
    unknown = _ask_for_reset(client, "niemand@example.org")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mailoutbox) == 1


def test_the_reset_throttle_counts_the_clients_address_behind_the_proxy(
    client, counsellor, mailoutbox, settings
):
    from people.models import PasswordResetRequest

    settings.BEHIND_PROXY = True
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    client.post(
        reverse("password_reset"),
        {"email": counsellor.email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    client.post(
        reverse("password_reset"),
        {"email": "x@example.org"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    # Two clients behind one proxy: both counted apart, neither throttled.
    assert list(PasswordResetRequest.objects.order_by("pk").values_list("sent", flat=True)) == [
        True,
        True,
    ]
    assert len(mailoutbox) == 1
