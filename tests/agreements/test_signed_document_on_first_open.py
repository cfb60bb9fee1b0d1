"""A signed version that has no stored PDF (generated data) gets one when first opened: once,
with its hashes, also when two requests ask at the same moment; a draft never does."""

import hashlib
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from agreements.fingerprint import content_fingerprint
from agreements.models import SignedDocument
from agreements.services.documents import ensure_signed_document
from sites.errors import RuleError
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    SignedAgreementFactory,
    StepFactory,
)


def _signed(centre, counsellor, **kwargs):
    agreement = SignedAgreementFactory(
        migrant=MigrantFactory(centre=centre, counsellor=counsellor), **kwargs
    )
    StepFactory(goal=GoalFactory(agreement=agreement))
    return agreement


@pytest.mark.django_db
def test_a_signed_version_without_a_pdf_is_frozen_once_with_its_hashes(centre, counsellor):
    agreement = _signed(centre, counsellor, document_language="en")
    document = ensure_signed_document(agreement=agreement)
    with document.pdf.open("rb") as handle:
        content = handle.read()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.content_fingerprint == content_fingerprint(agreement)
    assert document.prepared_by == counsellor
    again = ensure_signed_document(agreement=agreement)
    assert (again.pk, again.sha256) == (document.pk, document.sha256)
    assert SignedDocument.objects.count() == 1


@pytest.mark.django_db
def test_a_draft_is_not_frozen_on_opening(centre, counsellor, counsellor_client):
    draft = AgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    with pytest.raises(RuleError):
        ensure_signed_document(agreement=draft)
    assert counsellor_client.get(reverse("agreements:pdf", args=[draft.pk])).status_code == 404
    assert not SignedDocument.objects.exists()


@pytest.mark.django_db
def test_opening_a_version_of_another_centre_freezes_nothing(client, centre, counsellor, outsider):
    agreement = _signed(centre, counsellor)
    client.force_login(outsider)
    assert client.get(reverse("agreements:pdf", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("agreements:sign", args=[agreement.pk])).status_code == 404
    assert not SignedDocument.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between threads need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_first_opens_at_once_store_one_document(centre, counsellor, colleague):
    agreement = _signed(centre, counsellor)
    url = reverse("agreements:pdf", args=[agreement.pk])
    start = threading.Barrier(2)
    answers: list[tuple[int, bytes]] = []

    def open_pdf(user) -> None:
        client = Client()
        client.force_login(user)
        try:
            start.wait()
            response = client.get(url)
            answers.append((response.status_code, response.getvalue()))
        finally:
            connection.close()

    threads = [threading.Thread(target=open_pdf, args=(u,)) for u in (counsellor, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1]
    document = SignedDocument.objects.get(agreement=agreement)
    assert document.sha256 == hashlib.sha256(answers[0][1]).hexdigest()
