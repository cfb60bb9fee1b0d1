"""The public verification page: status of a printed agreement, no personal data for
strangers, rate limit and log; the content fingerprint the paper carries."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from agreements.guard import terms_unlocked
from agreements.models import Agreement, Goal, SignedDocument, VerificationLookup
from agreements.services.lifecycle import (
    amend_agreement,
    complete_agreement,
    end_agreement_early,
    prepare_for_signing,
    sign_agreement,
)
from agreements.services.verification import hash_address
from agreements.views.verification import client_address
from sites.errors import RuleError
from tests.factories import AgreementFactory, GoalFactory, MigrantFactory, StepFactory

SIGNED_ON = datetime.date(2026, 10, 1)


@pytest.fixture
def agreement(centre, counsellor):
    migrant = MigrantFactory(
        centre=centre, counsellor=counsellor, first_name="Amal", last_name="Haddad"
    )
    agreement = AgreementFactory(migrant=migrant, counsellor=counsellor)
    goal = GoalFactory(agreement=agreement, text="Integrationskurs bis B1 abschliessen")
    StepFactory(goal=goal, description="Beim Kurs anmelden")
    return agreement


def _sign(agreement, user, on=SIGNED_ON):
    agreement.refresh_from_db()
    return sign_agreement(
        agreement=agreement,
        user=user,
        signed_on=on,
        place="Ludwigshafen",
        signed_by_migrant=True,
        signed_by_counsellor=True,
        interpreter_present=False,
        expected_revision=agreement.revision,
    )


def _code(agreement) -> str:
    return SignedDocument.objects.get(agreement=agreement).verification_code


def _prepared(agreement, user):
    prepare_for_signing(agreement=agreement, user=user)
    return agreement


def _in_force(agreement, user):
    prepare_for_signing(agreement=agreement, user=user)
    return _sign(agreement, user)


def _superseded(agreement, user):
    first = _in_force(agreement, user)
    second = amend_agreement(user=user, agreement=first, reason="Neuer Kurs")
    prepare_for_signing(agreement=second, user=user)
    _sign(second, user, on=datetime.date(2026, 11, 3))
    return first


def _completed(agreement, user):
    signed = _in_force(agreement, user)
    return complete_agreement(user=user, agreement=signed, completed_on=datetime.date(2026, 11, 10))


def _ended_early(agreement, user):
    signed = _in_force(agreement, user)
    return end_agreement_early(
        user=user, agreement=signed, ended_on=datetime.date(2026, 11, 12), reason="Umzug"
    )


STATUSES = {
    "never_signed": (_prepared, ["zur Unterschrift vorbereitet, aber nie unterschrieben"]),
    "in_force": (_in_force, ["Echt und gültig: unterschrieben am 01.10.2026"]),
    "superseded": (_superseded, ["nicht mehr gültig", "am 03.11.2026 durch Version 2 ersetzt"]),
    "completed": (_completed, ["nicht mehr gültig", "abgeschlossen am 10.11.2026"]),
    "ended_early": (_ended_early, ["nicht mehr gültig", "vorzeitig beendet am 12.11.2026"]),
}


def _check(client, code, **extra):
    return client.get(reverse("agreements:verify"), {"code": code}, **extra)


def _personal_data(agreement) -> dict[str, str]:
    migrant = agreement.migrant
    return {
        "first name": migrant.first_name,
        "last name": migrant.last_name,
        "case number": migrant.case_number,
        "goal": Goal.objects.filter(agreement=agreement).first().text,
        "counsellor": agreement.counsellor.get_full_name(),
    }


def _assert_anonymous_view(response, agreement):
    # The agreement number is built from the case number ("<case number>-IV1"), so it is
    # the one place the case number may appear: it is printed on the paper being checked.
    page = response.content.decode().replace(agreement.number, "<agreement number>")
    for what, value in _personal_data(agreement).items():
        assert value not in page, what
    assert agreement.get_absolute_url() not in page
    assert "<agreement number>" in page
    assert agreement.centre.name in page
    assert response.context["result"].visible is False


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_is_told_to_anonymous_visitors_without_personal_data(
    client, agreement, counsellor, status
):
    make, phrases = STATUSES[status]
    make(agreement, counsellor)
    agreement.refresh_from_db()

    response = _check(client, _code(agreement))

    assert response.status_code == 200
    assert response.context["result"].status == status
    page = response.content.decode()
    for phrase in phrases:
        assert phrase in page
    assert SignedDocument.objects.get(agreement=agreement).content_fingerprint in page
    _assert_anonymous_view(response, agreement)


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_is_told_to_the_centres_users_with_the_person_and_the_link(
    client, agreement, counsellor, status
):
    make, phrases = STATUSES[status]
    make(agreement, counsellor)
    agreement.refresh_from_db()
    client.force_login(counsellor)

    response = _check(client, _code(agreement).lower().replace("-", " "))

    assert response.context["result"].status == status
    assert response.context["result"].visible is True
    page = response.content.decode()
    for phrase in phrases:
        assert phrase in page
    assert agreement.migrant.last_name in page
    assert agreement.get_absolute_url() in page
    assert SignedDocument.objects.get(agreement=agreement).sha256 in page


def test_another_centres_user_sees_the_anonymous_view(client, agreement, counsellor, outsider):
    _in_force(agreement, counsellor)
    client.force_login(outsider)

    response = _check(client, _code(agreement))

    assert response.context["result"].status == "in_force"
    _assert_anonymous_view(response, agreement)


@pytest.mark.parametrize("code", ["AAAAA-BBBBB", "ab", "!!!!!-?????", "X" * 150])
def test_a_wrong_and_a_malformed_code_get_the_same_not_found(client, db, code):
    response = _check(client, code)

    assert response.status_code == 200
    assert response.context["result"].status == "not_found"
    assert "keine zur Unterschrift vorbereitete Vereinbarung" in response.content.decode()


def test_the_page_is_public(client, db):
    response = client.get(reverse("agreements:verify"))

    assert response.status_code == 200
    # The one sentence that says what the fingerprint proves.
    assert "der gedruckte Inhalt der für diese Version gespeicherte" in response.content.decode()


def test_the_21st_lookup_from_one_address_answers_429_and_another_address_is_not_limited(
    client, agreement, counsellor
):
    _in_force(agreement, counsellor)
    code = _code(agreement)
    for _ in range(20):
        assert _check(client, code, REMOTE_ADDR="198.51.100.7").status_code == 200

    refused = _check(client, code, REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert "zu viele Prüfcodes geprüft" in refused.content.decode()
    assert agreement.number not in refused.content.decode()
    assert _check(client, code, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_lookups_are_logged_with_a_hashed_address_and_the_user(client, agreement, counsellor):
    _in_force(agreement, counsellor)
    _check(client, _code(agreement), REMOTE_ADDR="203.0.113.5")
    client.force_login(counsellor)
    _check(client, "AAAAA-BBBBB", REMOTE_ADDR="203.0.113.5")

    rows = list(VerificationLookup.objects.order_by("pk").values())

    assert [(row["found"], row["user_id"]) for row in rows] == [
        (True, None),
        (False, counsellor.pk),
    ]
    assert {row["address_hash"] for row in rows} == {hash_address("203.0.113.5")}
    assert all("203.0.113.5" not in str(value) for row in rows for value in row.values())


def test_the_client_address_is_the_proxys_last_forwarded_entry_only_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    # The first entries are the client's to invent; the proxy appended the last one.
    assert client_address(request) == "198.51.100.9"


def test_the_nightly_retention_run_deletes_old_lookups(db):
    old = VerificationLookup.objects.create(address_hash="a" * 64)
    VerificationLookup.objects.filter(pk=old.pk).update(at=old.at - datetime.timedelta(days=31))
    recent = VerificationLookup.objects.create(address_hash="b" * 64)

    call_command("anonymise_expired", stdout=io.StringIO())

    assert list(VerificationLookup.objects.values_list("pk", flat=True)) == [recent.pk]


def _pdf_text(document) -> str:
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_the_paper_prints_the_content_fingerprint_and_a_url_from_site_url(
    counsellor_client, agreement, settings
):
    settings.SITE_URL = "https://beratung.example.org"
    counsellor_client.post(reverse("agreements:prepare", args=[agreement.pk]))

    document = SignedDocument.objects.get(agreement=agreement)
    text = _pdf_text(document)
    assert (
        f"https://beratung.example.org/vereinbarungen/pruefen/?code={document.verification_code}"
        in text
    )
    assert "testserver" not in text  # the request's host is not printed
    assert "Inhalts-Prüfsumme" in text
    assert f":{document.content_fingerprint}" in text  # after the label
    assert "SHA-256" not in text


def test_signing_page_names_both_checksums(counsellor_client, agreement, counsellor):
    _prepared(agreement, counsellor)
    document = SignedDocument.objects.get(agreement=agreement)

    page = counsellor_client.get(reverse("agreements:sign", args=[agreement.pk])).content.decode()

    assert "Inhalts-Prüfsumme" in page
    assert document.content_fingerprint in page
    assert document.sha256 in page


def test_check_deploy_fails_without_site_url(settings):
    settings.SITE_URL = ""
    with pytest.raises(SystemCheckError, match=r"integration\.E001"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())

    settings.SITE_URL = "https://beratung.example.org"
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "integration.E001" not in ids


def test_signing_a_record_changed_after_printing_is_refused_and_writes_nothing(
    agreement, counsellor
):
    _prepared(agreement, counsellor)
    # Past the services and the database guard (a superuser's psql): the fingerprint still holds.
    with terms_unlocked():
        Goal.objects.filter(agreement=agreement).update(text="Etwas anderes als auf dem Papier")
    agreement.refresh_from_db()
    before = (agreement.revision, agreement.history.count())

    with pytest.raises(RuleError, match="nach dem Drucken der PDF geändert"):
        _sign(agreement, counsellor)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == ("draft", None)
    assert (agreement.revision, agreement.history.count()) == before


def _fill():
    migration = importlib.import_module("agreements.migrations.0008_verification")
    migration.fill_content_fingerprints(apps, None)


def test_the_migrations_fill_computes_the_fingerprint_freeze_pdf_stored(agreement, counsellor):
    _in_force(agreement, counsellor)
    stored = SignedDocument.objects.get(agreement=agreement).content_fingerprint
    SignedDocument.objects.update(content_fingerprint="")

    _fill()

    assert SignedDocument.objects.get(agreement=agreement).content_fingerprint == stored


def test_the_migrations_fill_takes_a_drafts_fingerprint_from_its_paper(agreement, counsellor):
    # A prepared draft edited afterwards must not get the edited content's fingerprint.
    _prepared(agreement, counsellor)
    stored = SignedDocument.objects.get(agreement=agreement).content_fingerprint
    with terms_unlocked():  # as nothing stopped it before the database guard
        Goal.objects.filter(agreement=agreement).update(text="Nach dem Drucken geändert")
    SignedDocument.objects.update(content_fingerprint="")

    _fill()

    assert SignedDocument.objects.get(agreement=agreement).content_fingerprint == stored
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"
