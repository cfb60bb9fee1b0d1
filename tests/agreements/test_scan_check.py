"""The scan of the signed paper: a file that really opens is kept, a damaged one is refused.

The check parses the upload with pypdf or Pillow and refuses it only on the errors a broken
file raises; these tests pin both halves with real files, built here, not fixtures on disk.
"""

import hashlib
import html
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from agreements.models import SignedDocument
from sites.errors import RuleError
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


# --- hostile files: built here, byte by byte ---------------------------------------------


def _pdf_of(*objects: bytes, tail: bytes = b"") -> bytes:
    """A PDF with these objects (numbered from 1, the first is the catalogue) and a correct
    cross-reference table, so only what the test puts in it can be wrong."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out) + tail


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _catalogue(extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"


def _zeros_deflated(mib: int) -> bytes:
    """A zlib stream of `mib` MiB of zeros, made in milliseconds: one flushed block of a
    MiB repeated (every back reference reads zeros, whatever precedes it)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    size = mib << 20
    return b"\x78\xda" + block * mib + b"\x03\x00" + struct.pack(">I", ((size % 65521) << 16) | 1)


def _pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [_catalogue(), b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    objects += [PAGE] * count
    return _pdf_of(*objects)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<p>hidden</p>")
    return buffer.getvalue()


def _jpeg(**options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Scanner GmbH"  # maker
    return _jpeg(exif=exif.tobytes())


def _huge_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buffer, "PNG")
    return buffer.getvalue()


JAVASCRIPT = _pdf_of(
    _catalogue(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), PAGES, PAGE
)
# The same with its names written in hex escapes: no "/JavaScript" in the raw bytes.
JAVASCRIPT_ESCAPED = _pdf_of(
    _catalogue(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), PAGES, PAGE
)
LAUNCH = _pdf_of(_catalogue(b"/OpenAction 4 0 R"), PAGES, PAGE, b"<< /S /Launch /F (calc.exe) >>")
EMBEDDED = _pdf_of(
    _catalogue(b"/Names << /Embedded#46iles << /Names [(a.exe) 4 0 R] >> >>"),
    PAGES,
    PAGE,
    b"<< /Type /Filespec /F (a.exe) /E#46 << /F 5 0 R >> >>",
    _stream(b"MZ", b"/Type /Embedded#46ile"),
)
ANNOTATION_SCRIPT = _pdf_of(
    _catalogue(),
    PAGES,
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
    b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /J#53 (x) >> >>",
)
INFLATES_TO_1_GIB = _pdf_of(
    _catalogue(),
    PAGES,
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    _stream(_zeros_deflated(1024), b"/Filter /FlateDecode"),
)
HTML_AFTER_THE_END = _pdf_of(
    _catalogue(), PAGES, PAGE, tail=b"<html><script>alert('hostile')</script></html>"
)
HTML_INSIDE = _pdf_of(_catalogue(), PAGES, PAGE, _stream(b"<!DOCTYPE html><body>hi</body>"))


def _refusal(message: str, **values) -> str:
    with translation.override("de"):
        text = translation.gettext(message)
    return html.escape(text % values if values else text)


ACTIVE = (
    "The PDF contains scripts, actions or embedded files and is refused. Please upload the "
    "plain scan of the signed paper."
)
POLYGLOT = (
    "The file contains more than the scan (data of another kind inside it or after its end) "
    "and is refused. Please scan the paper again or save it anew as PDF."
)
WRONG = "Only PDF, JPEG or PNG files can be uploaded as the scan."


@pytest.mark.parametrize(
    ("name", "content", "message", "values"),
    [
        ("scan.pdf", JAVASCRIPT, ACTIVE, {}),
        ("scan.pdf", JAVASCRIPT_ESCAPED, ACTIVE, {}),
        ("scan.pdf", ANNOTATION_SCRIPT, ACTIVE, {}),
        ("scan.pdf", LAUNCH, ACTIVE, {}),
        ("scan.pdf", EMBEDDED, ACTIVE, {}),
        (
            "scan.pdf",
            INFLATES_TO_1_GIB,
            "The scan unpacks to more than %(mb)s MB and is refused.",
            {"mb": 200},
        ),
        (
            "scan.pdf",
            _pages(20_000),
            "The scan has too many pages (at most %(pages)s).",
            {"pages": 200},
        ),
        (
            "scan.pdf",
            _pages(300).replace(b"/Count 300", b"/Count 3  "),
            "The scan has too many pages (at most %(pages)s).",
            {"pages": 200},
        ),
        (
            "scan.png",
            _huge_png(),
            "The image has too many pixels (at most %(mp)s megapixels).",
            {"mp": 50},
        ),
        ("scan.pdf", HTML_AFTER_THE_END, POLYGLOT, {}),
        ("scan.pdf", HTML_INSIDE, POLYGLOT, {}),
        ("scan.pdf", b"<html>" + _pdf(), WRONG, {}),
        ("scan.pdf", b" " + _pdf(), WRONG, {}),
        ("scan.png", _image("PNG") + _zip(), POLYGLOT, {}),
        ("scan.png", _image("PNG") + b"x", POLYGLOT, {}),
        ("scan.jpg", _image("JPEG") + b"trailing", POLYGLOT, {}),
        ("scan.jpg", _image("JPEG")[:-40], WRONG, {}),
        ("scan.pdf", _pdf() + _zip(), POLYGLOT, {}),
    ],
    ids=[
        "pdf-javascript",
        "pdf-javascript-hex-escaped",
        "pdf-link-running-javascript",
        "pdf-launch-action",
        "pdf-embedded-file",
        "pdf-inflating-to-1-gib",
        "pdf-of-20000-pages",
        "pdf-of-300-pages-claiming-3",
        "png-12000x12000",
        "pdf-html-polyglot-after-eof",
        "pdf-html-polyglot-inside",
        "pdf-not-at-byte-0-html",
        "pdf-not-at-byte-0-space",
        "png-zip-polyglot",
        "png-data-after-iend",
        "jpeg-data-after-eoi",
        "jpeg-truncated",
        "pdf-zip-polyglot",
    ],
)
def test_a_hostile_scan_is_refused_with_its_reason_and_nothing_is_stored(
    counsellor_client, graph, name, content, message, values
):
    before = SignedDocument.objects.get(pk=graph.document.pk)

    response = _upload(counsellor_client, graph, name, content, "application/octet-stream")

    assert response.status_code == 400
    assert _refusal(message, **values) in response.content.decode()
    after = SignedDocument.objects.get(pk=graph.document.pk)
    assert (after.scan.name, after.scan_sha256) == (before.scan.name, before.scan_sha256)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", _pages(200)),
        ("scan.jpg", _jpeg(progressive=True)),
        ("scan.jpg", _exif_jpeg()),
        (
            "scan.pdf",
            _pdf_of(
                _catalogue(),
                PAGES,
                PAGE,
                _stream(zlib.compress(b"q Q" * 1000), b"/Filter /FlateDecode"),
            ),
        ),
    ],
    ids=["pdf-of-200-pages", "jpeg-progressive", "jpeg-with-exif", "pdf-with-a-flate-stream"],
)
def test_an_ordinary_scan_near_the_bounds_is_stored(counsellor_client, graph, name, content):
    response = _upload(counsellor_client, graph, name, content, "application/octet-stream")

    assert response.status_code == 302
    document = SignedDocument.objects.get(pk=graph.document.pk)
    assert document.scan_sha256 == hashlib.sha256(content).hexdigest()


def test_the_inflation_check_stops_at_its_bound_without_unpacking_the_rest():
    import time
    import tracemalloc

    from agreements.services.scans import check_scan

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(RuleError):
        check_scan(INFLATES_TO_1_GIB)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 * 1024 * 1024
    assert elapsed < 10
