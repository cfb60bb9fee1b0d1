import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from agreements.enums import Responsible
from agreements.models import SignedDocument
from agreements.pdf import agreement_context, render_agreement_pdf
from agreements.services.lifecycle import amend_agreement, prepare_for_signing, sign_agreement
from people.enums import AccessAction
from people.models import AccessLog
from tests.factories import (
    AgreementFactory,
    ConsentFactory,
    GoalFactory,
    MigrantFactory,
    OfferFactory,
    PartnerFactory,
    StepFactory,
)


@pytest.fixture
def agreement(centre, counsellor):
    migrant = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        first_name="Amal",
        last_name="Haddad",
        name_latin="Amal Haddad",
    )
    agreement = AgreementFactory(migrant=migrant, document_language="ar")
    goal = GoalFactory(agreement=agreement, area="language", text="Integrationskurs bis B1")
    offer = OfferFactory(
        partner=PartnerFactory(municipality=centre.municipality, name="VHS LU"),
        title="Integrationskurs B1",
    )
    ConsentFactory(migrant=migrant, recipient_partner=offer.partner)
    StepFactory(goal=goal, description="Beim Kurs anmelden", responsible=Responsible.MIGRANT)
    StepFactory(
        goal=goal,
        description="Kursplatz vermitteln",
        responsible=Responsible.PARTNER,
        partner=offer.partner,
        offer=offer,
    )
    return agreement


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def signed(agreement, counsellor):
    prepare_for_signing(agreement=agreement, user=counsellor)
    agreement.refresh_from_db()
    return sign_agreement(
        agreement=agreement,
        user=counsellor,
        signed_on=datetime.date(2026, 11, 2),
        place="Ludwigshafen",
        signed_by_migrant=True,
        signed_by_counsellor=True,
        interpreter_present=True,
        expected_revision=agreement.revision,
    )


def test_pdf_contains_parties_goals_steps_and_both_languages(agreement):
    pdf = render_agreement_pdf(agreement)
    text = _text(pdf)
    for expected in [
        "Integrationsvereinbarung",
        "Amal Haddad",
        agreement.centre.name,
        "Integrationskurs bis B1",
        "Beim Kurs anmelden",
        "Kursplatz vermitteln",
        "VHS LU",
        "Seite 1 von",
        "Verbindlich ist der deutsche Text",
    ]:
        assert expected in text, expected
    assert "اتفاقية الاندماج" in text or "الاندماج" in text


def test_arabic_fixed_texts_are_laid_out_right_to_left(agreement):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("de"):
        html = render_to_string("agreements/pdf/agreement.html", agreement_context(agreement))
    assert 'lang="ar" dir="rtl">اتفاقية الاندماج</span>' in html
    assert '<span class="ltr" dir="ltr">(Amal Haddad)</span>' in html


def test_second_language_follows_the_agreement(agreement):
    agreement.document_language = "uk"
    text = _text(render_agreement_pdf(agreement))
    assert "Угода про інтеграцію" in text


def test_pdf_is_pdf_a_with_metadata_and_embedded_fonts(agreement):
    reader = PdfReader(io.BytesIO(render_agreement_pdf(agreement)))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in raw
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert reader.metadata.title.startswith("Integrationsvereinbarung")
    assert reader.metadata.author == agreement.centre.name
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = any(k in descriptor for k in ("/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


def test_status_line_puts_german_and_translation_side_by_side(agreement):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("de"):
        html = render_to_string("agreements/pdf/agreement.html", agreement_context(agreement))
    # The separator stands outside the right-to-left span, so it stays between the two.
    assert 'Status / <span lang="ar" dir="rtl">الحالة</span>:' in html


def _element_names(html: str) -> set[str]:
    from html.parser import HTMLParser

    names: set[str] = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.add(tag)

    Collector().feed(html)
    return names


def test_lean_user_agent_stylesheet_covers_every_element_of_the_pdf_templates(
    agreement, rf, counsellor
):
    """The PDFs use the project's cut-down user-agent stylesheet: an element it does not
    know would lose its display (a table cell laid out inline, a heading without margins)."""
    import re

    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    from agreements.pdf import STYLESHEET_DIR, USER_AGENT_STYLESHEET
    from integration.privacy import build_personal_data_export

    assert "_ua_stylesheets" in vars(HTML), "WeasyPrint's user-agent hook has gone"
    with translation.override("de"):
        agreement_html = render_to_string(
            "agreements/pdf/agreement.html",
            agreement_context(agreement, verification_code="ABCD-EFGH", verification_url="x"),
        )
        blank_html = render_to_string(
            "agreements/pdf/agreement.html", agreement_context(agreement, blank=True)
        )
        export = build_personal_data_export(migrant=agreement.migrant, user=counsellor)
        export_html = render_to_string(
            "integration/privacy_export_pdf.html",
            {"export": export, "migrant": agreement.migrant},
        )
    used = set().union(*(_element_names(h) for h in (agreement_html, blank_html, export_html)))
    ua = re.sub(r"/\*.*?\*/", "", (STYLESHEET_DIR / USER_AGENT_STYLESHEET).read_text(), flags=re.S)
    styled = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)(?=[^{}]*\{)", ua))
    assert used - {"span", "br", "strong", "em", "small", "img"} <= styled, used - styled


def test_pdfs_render_in_more_than_one_thread(agreement):
    """Each worker thread keeps its own fonts and stylesheets (Pango's are not shared)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.template.loader import render_to_string
    from django.utils import translation

    from agreements.pdf import AGREEMENT_STYLESHEET, html_to_pdf

    with translation.override("de"):
        html = render_to_string("agreements/pdf/agreement.html", agreement_context(agreement))
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda _: html_to_pdf(html, (AGREEMENT_STYLESHEET,)), range(3)))
    pdfs.append(html_to_pdf(html, (AGREEMENT_STYLESHEET,)))
    for pdf in pdfs:
        text = _text(pdf)
        assert "Beim Kurs anmelden" in text and "الاندماج" in text


def test_frozen_pdf_stays_byte_identical_after_an_amendment(signed, counsellor):
    document = SignedDocument.objects.get(agreement=signed)
    with document.pdf.open("rb") as handle:
        before = handle.read()
    draft = amend_agreement(user=counsellor, agreement=signed, reason="Ziel ergänzt")
    GoalFactory(agreement=draft, text="Kita-Platz finden")
    assert prepare_for_signing(agreement=signed, user=counsellor) == document
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        after = handle.read()
    assert after == before
    import hashlib

    assert hashlib.sha256(after).hexdigest() == document.sha256


def test_downloads_of_pdf_and_scan_are_logged(counsellor_client, signed, counsellor):
    response = counsellor_client.get(reverse("agreements:pdf", args=[signed.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    png = b"\x89PNG\r\n\x1a\n" + _tiny_png()[8:]
    counsellor_client.post(
        reverse("agreements:scan-upload", args=[signed.pk]),
        {"scan": SimpleUploadedFile("scan.png", png, "image/png")},
    )
    counsellor_client.get(reverse("agreements:scan-download", args=[signed.pk]))
    actions = list(AccessLog.objects.filter(user=counsellor).values_list("action", flat=True))
    assert sorted(actions) == [AccessAction.DOWNLOAD_PDF, AccessAction.DOWNLOAD_SCAN]


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
        ("scan.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("scan.pdf", b"%PDF-1.4 broken", "application/pdf"),
    ],
)
def test_upload_of_a_disguised_file_is_rejected_and_changes_nothing(
    counsellor_client, signed, name, content, content_type
):
    response = counsellor_client.post(
        reverse("agreements:scan-upload", args=[signed.pk]),
        {"scan": SimpleUploadedFile(name, content, content_type)},
    )
    assert response.status_code == 400
    assert not SignedDocument.objects.get(agreement=signed).scan


def test_too_large_upload_is_rejected(counsellor_client, signed, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    png = _tiny_png() + b"\x00" * 2000
    response = counsellor_client.post(
        reverse("agreements:scan-upload", args=[signed.pk]),
        {"scan": SimpleUploadedFile("scan.png", png, "image/png")},
    )
    assert response.status_code == 400
    assert not SignedDocument.objects.get(agreement=signed).scan


def test_sign_page_prepares_then_records_the_signature(counsellor_client, agreement):
    counsellor_client.post(reverse("agreements:prepare", args=[agreement.pk]))
    agreement.refresh_from_db()
    response = counsellor_client.post(
        reverse("agreements:sign", args=[agreement.pk]),
        {
            "revision": agreement.revision,
            "signed_on": "2026-11-20",
            "place": "Ludwigshafen",
            "signed_by_migrant": "on",
            "signed_by_counsellor": "on",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_place) == ("active", "Ludwigshafen")
