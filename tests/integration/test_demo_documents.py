"""The demo shows the real thing: signed versions open as their frozen PDFs (seed_demo
freezes the tour's and the newest of the login centres, the rest are frozen when first
opened), and the tour shows three signed versions, English beside German, own words,
referrals to offers and named interpreters."""

import hashlib
import io
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from agreements.enums import AgreementStatus, Responsible
from agreements.fingerprint import content_fingerprint
from agreements.models import Agreement, SignedDocument, Step
from integration.datagen.demo import (
    FROZEN_BY_SEED,
    LOGIN_CENTRES,
    SHOWCASE,
    documents_to_freeze,
    seed_demo,
    showcase_people,
)
from people.enums import Interpreter
from people.models import CounsellingSession
from tests.factories import TODAY

pytestmark = pytest.mark.django_db
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"  # as in tests/conftest.py


def _storages(location) -> dict:
    """The project's storages with the private files in `location`."""
    return {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }


@pytest.fixture(scope="module")
def private_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, private_dir):
    """Replaces tests/conftest.py's: every test reads the files the module's demo froze."""
    settings.PASSWORD_HASHERS = [FAST_HASHER]
    settings.STORAGES = _storages(private_dir)


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, private_dir):
    """One demo for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER], STORAGES=_storages(private_dir)):
            seed_demo(today=TODAY)
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _file_bytes(document: SignedDocument) -> bytes:
    with document.pdf.open("rb") as handle:
        return handle.read()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _signed_elsewhere():
    """Signed versions of centres no demo login belongs to (nothing frozen there by seed)."""
    return Agreement.objects.exclude(centre__code__in=LOGIN_CENTRES).exclude(
        status=AgreementStatus.DRAFT
    )


def test_seed_demo_freezes_the_tour_and_the_newest_signed_versions_with_matching_hashes():
    frozen = SignedDocument.objects.select_related("agreement")
    chosen = documents_to_freeze()
    tour = Agreement.objects.filter(migrant__in=list(showcase_people()))
    assert sorted(frozen.values_list("agreement_id", flat=True)) == sorted(chosen)
    assert len(chosen) == tour.count() + FROZEN_BY_SEED
    for document in frozen:
        content = _file_bytes(document)
        assert content.startswith(b"%PDF-")
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.content_fingerprint == content_fingerprint(document.agreement)
        assert document.agreement.status != AgreementStatus.DRAFT
        assert document.agreement.centre.code in LOGIN_CENTRES
        # Prepared by the version's counsellor before it was signed, not on the day of seeding.
        assert document.prepared_by_id == document.agreement.counsellor_id
        assert document.prepared_at.date() <= document.agreement.signed_on


def test_a_signed_version_elsewhere_is_frozen_once_when_first_opened(client):
    agreement = _signed_elsewhere().filter(status=AgreementStatus.SUPERSEDED).first()
    client.force_login(agreement.counsellor)
    url = reverse("agreements:pdf", args=[agreement.pk])
    before = SignedDocument.objects.count()

    first = client.get(url)
    assert first.status_code == 200
    document = SignedDocument.objects.get(agreement=agreement)
    first_bytes = first.getvalue()  # a FileResponse streams: read it once
    assert document.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert _file_bytes(document) == first_bytes

    second = client.get(url)
    assert second.getvalue() == first_bytes
    assert SignedDocument.objects.count() == before + 1
    assert SignedDocument.objects.get(agreement=agreement).sha256 == document.sha256


def test_preview_of_an_active_agreement_redirects_to_a_pdf_that_exists(client):
    agreement = _signed_elsewhere().filter(status=AgreementStatus.ACTIVE).first()
    client.force_login(agreement.counsellor)
    response = client.get(reverse("agreements:preview-pdf", args=[agreement.pk]))
    assert response.status_code == 302
    assert response.url == reverse("agreements:pdf", args=[agreement.pk])
    pdf = client.get(response.url)
    assert pdf.status_code == 200
    assert pdf.getvalue().startswith(b"%PDF-")


def test_signing_page_of_a_signed_demo_version_shows_its_stored_pdf(client):
    agreement = _signed_elsewhere().filter(status=AgreementStatus.COMPLETED).first()
    client.force_login(agreement.counsellor)
    page = client.get(reverse("agreements:sign", args=[agreement.pk])).content.decode()
    document = SignedDocument.objects.get(agreement=agreement)
    assert document.content_fingerprint in page
    assert document.sha256 in page
    assert reverse("agreements:pdf", args=[agreement.pk]) in page


def test_tour_has_an_agreement_signed_three_times_with_the_reasons_for_its_amendments():
    person = showcase_people()[0]
    versions = list(Agreement.objects.filter(migrant=person).order_by("version"))
    assert [(a.version, a.status) for a in versions] == [
        (1, AgreementStatus.SUPERSEDED),
        (2, AgreementStatus.SUPERSEDED),
        (3, AgreementStatus.ACTIVE),
    ]
    assert [bool(a.amendment_reason) for a in versions] == [False, True, True]
    assert [a.predecessor_id for a in versions[1:]] == [a.pk for a in versions[:-1]]
    goals = [a.goals.count() for a in versions]
    assert goals == sorted(set(goals))  # each amendment adds a goal
    for version in versions:
        assert version.signed_on is not None
        assert version.document_language == SHOWCASE[0].language
        assert version.interpreter_present and version.interpreter_name
        assert not version.goals.filter(text_own_words="").exists()
        referrals = Step.objects.filter(goal__agreement=version, responsible=Responsible.PARTNER)
        assert referrals.filter(offer__isnull=False).exists()
        assert (
            version.signed_document.sha256
            == hashlib.sha256(_file_bytes(version.signed_document)).hexdigest()
        )
    named = person.sessions.exclude(interpreter=Interpreter.NONE)
    assert named.exists()
    assert all(versions[0].interpreter_name in s.notes for s in named)


def test_tour_has_an_agreement_printed_in_english_beside_german():
    agreement = Agreement.objects.get(migrant=showcase_people()[1])
    assert agreement.document_language == "en"
    text = _text(_file_bytes(agreement.signed_document))
    assert "Integrationsvereinbarung" in text
    assert "Integration agreement" in text
    assert agreement.goals.exclude(text_own_words="").exists()


def test_interpreters_are_named_on_agreements_and_sessions():
    with_interpreter = Agreement.objects.filter(interpreter_present=True)
    assert with_interpreter.count() >= 100
    assert not with_interpreter.filter(interpreter_name="").exists()
    professional = CounsellingSession.objects.filter(interpreter=Interpreter.PROFESSIONAL)
    assert professional.count() >= 100
    assert not professional.exclude(notes__contains="Gedolmetscht von ").exists()


def test_a_second_seed_demo_freezes_nothing_more():
    before = list(SignedDocument.objects.order_by("pk").values_list("pk", "sha256"))
    call_command("seed_demo", stdout=StringIO())
    assert list(SignedDocument.objects.order_by("pk").values_list("pk", "sha256")) == before
