"""The scan of the signed paper: a file that really opens is kept, a damaged one is refused.

The check parses the upload with pypdf or Pillow and refuses it only on the errors a broken
file raises; these tests pin both halves with real files, built here, not fixtures on disk.
"""

import hashlib
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from agreements.models import SignedDocument
from tests.factories import CaseGraph


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, kind)
    return buffer.getvalue()


def _damaged_png() -> bytes:
    """A PNG whose header chunk no longer matches its checksum (a flipped bit in transit)."""
    png = bytearray(_image("PNG"))
    png[18] ^= 0xFF  # inside IHDR's width, covered by its CRC
    return bytes(png)


def _upload(client, graph, name, content, content_type):
    return client.post(
        reverse("agreements:scan-upload", args=[graph.signed.pk]),
        {"scan": SimpleUploadedFile(name, content, content_type)},
    )


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", _pdf(), "application/pdf"),
        ("scan.png", _image("PNG"), "image/png"),
        ("scan.jpg", _image("JPEG"), "image/jpeg"),
    ],
)
def test_a_scan_that_opens_is_stored(counsellor_client, graph, name, content, content_type):
    response = _upload(counsellor_client, graph, name, content, content_type)

    assert response.status_code == 302
    document = SignedDocument.objects.get(pk=graph.document.pk)
    assert (document.scan_sha256, document.scan_content_type) == (
        hashlib.sha256(content).hexdigest(),
        content_type,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", _pdf()[: len(_pdf()) // 2], "application/pdf"),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF", "application/pdf"),
        ("scan.png", _image("PNG")[:40], "image/png"),
        ("scan.png", _damaged_png(), "image/png"),
    ],
    ids=["truncated-pdf", "pdf-without-pages", "truncated-png", "png-bad-checksum"],
)
def test_a_damaged_scan_is_refused_and_the_stored_one_kept(
    counsellor_client, graph, name, content, content_type
):
    before = SignedDocument.objects.get(pk=graph.document.pk)

    response = _upload(counsellor_client, graph, name, content, content_type)

    assert response.status_code == 400
    with translation.override("de"):
        refusal = translation.gettext("Only PDF, JPEG or PNG files can be uploaded as the scan.")
    assert html.escape(refusal) in response.content.decode()
    after = SignedDocument.objects.get(pk=graph.document.pk)
    assert (after.scan.name, after.scan_sha256) == (before.scan.name, before.scan_sha256)
