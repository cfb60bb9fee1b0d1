"""What an uploaded scan of the signed paper really is, before anything is stored.

A scan is handed on to whoever opens it later (a colleague, the person, an authority), so
it must be exactly one harmless file: a PDF without scripts, actions or attachments, or a
plain image, each complete, bounded in size once unpacked, and with nothing of another
file type before, inside or after it (polyglots). Every check reads the upload in memory
at most once more in bounded pieces: a bomb is counted while it inflates, never unpacked.
"""

from __future__ import annotations

import contextlib
import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from sites.errors import RuleError

SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# A scan of an agreement has a few pages; 200 leave room for a whole file of papers.
MAX_SCAN_PAGES = 200
# Everything a PDF's streams unpack to; a 600 dpi colour A4 page is about 100 MiB raw,
# scanners compress it as JPEG, which stays small here.
MAX_SCAN_UNPACKED_BYTES = 200 * 1024 * 1024
# 600 dpi A4 is 35 megapixels; decoding 50 takes at most 200 MB for a moment.
MAX_SCAN_PIXELS = 50_000_000
# Each object is parsed and looked through; a scanned page has a handful.
MAX_SCAN_OBJECTS = 50_000

# Names that run code, open something else or carry another file inside the PDF.
_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/EF",
    "/RichMedia",
    "/XFA",
}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
_ACTIVE_TYPES = {"/EmbeddedFile", "/Filespec"}
# Read raw, these reveal an active part a parser never reaches (an object outside the
# cross-reference table); long enough never to occur by chance in compressed data.
_ACTIVE_BYTES = (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
# What makes a browser or mail client read a file as HTML, anywhere in it.
_HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<object")

# What the parsers raise on a broken file (measured on 60,000 randomly damaged PDFs, PNGs and
# JPEGs): pypdf its own errors and, from inside its reader, TypeError and AttributeError;
# Pillow OSError (UnidentifiedImageError is one), SyntaxError, ValueError, IndexError and
# DecompressionBombError; zlib its error. Anything else (a missing library, a bug) must
# surface, not be reported to the counsellor as a wrong file type.
BROKEN_PDF_ERRORS = (PyPdfError, ValueError, TypeError, AttributeError, LookupError, zlib.error)
BROKEN_IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    LookupError,
    struct.error,
)


class _Broken(Exception):
    """The file does not parse as what it claims to be."""


def sniff_scan_type(head: bytes) -> str | None:
    """The type of an upload from its first bytes; the file name and browser are not trusted."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _wrong_type() -> RuleError:
    return RuleError(_("Only PDF, JPEG or PNG files can be uploaded as the scan."))


def _polyglot() -> RuleError:
    return RuleError(
        _(
            "The file contains more than the scan (data of another kind inside it or after "
            "its end) and is refused. Please scan the paper again or save it anew as PDF."
        )
    )


def check_scan(content: bytes) -> str:
    """The content type of an acceptable scan; a RuleError saying why otherwise."""
    content_type = sniff_scan_type(content[:16])
    if content_type is None:
        raise _wrong_type()
    lowered = content.lower()
    if any(marker in lowered for marker in _HTML_MARKERS) or _is_zip(content):
        raise _polyglot()
    try:
        if content_type == "application/pdf":
            _check_pdf(content)
        elif content_type == "image/png":
            _check_png(content)
        else:
            _check_jpeg(content)
    except (_Broken, *BROKEN_PDF_ERRORS, *BROKEN_IMAGE_ERRORS) as error:
        raise _wrong_type() from error
    return content_type


def _is_zip(content: bytes) -> bool:
    try:
        return zipfile.is_zipfile(io.BytesIO(content))
    except (OSError, ValueError):
        return False


# --- PDF -----------------------------------------------------------------------------------


def _check_pdf(content: bytes) -> None:
    end = content.rfind(b"%%EOF")
    if end == -1:
        raise _Broken("no end of file marker")
    if content[end + len(b"%%EOF") :].strip(b"\x00\t\n\x0c\r "):
        raise _polyglot()
    if any(marker in content for marker in _ACTIVE_BYTES):
        raise _active()
    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        raise _Broken("encrypted: its content cannot be checked")
    if _count_pages(reader) == 0:
        raise _Broken("no pages")
    _walk_catalogue(reader.trailer)
    numbers = _object_numbers(reader)
    if len(numbers) > MAX_SCAN_OBJECTS:
        raise _Broken("too many objects")
    budget = MAX_SCAN_UNPACKED_BYTES
    for number in numbers:
        obj = reader.get_object(number)
        if obj is None:
            raise _Broken(f"object {number} does not load")
        _check_active(obj)
        if isinstance(obj, StreamObject):
            budget -= _unpacked_size(obj, budget)
            if budget < 0:
                raise _too_big()


def _active() -> RuleError:
    return RuleError(
        _(
            "The PDF contains scripts, actions or embedded files and is refused. Please "
            "upload the plain scan of the signed paper."
        )
    )


def _too_big() -> RuleError:
    return RuleError(
        _("The scan unpacks to more than %(mb)s MB and is refused.")
        % {"mb": MAX_SCAN_UNPACKED_BYTES // (1024 * 1024)}
    )


def _too_many_pages() -> RuleError:
    return RuleError(
        _("The scan has too many pages (at most %(pages)s).") % {"pages": MAX_SCAN_PAGES}
    )


def _count_pages(reader: PdfReader) -> int:
    """The pages of the page tree, counted up to the bound: pypdf's own count flattens the
    whole tree first (11 s for 20,000 pages)."""
    pages = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    declared = pages.get("/Count", 0)
    if not isinstance(declared, int) or declared > MAX_SCAN_PAGES:
        raise _too_many_pages()
    count = 0
    seen: set[int] = set()
    pending = [pages]
    while pending:
        node = pending.pop()
        if node.get("/Type") == "/Pages":
            for kid in node.get("/Kids", []):
                if isinstance(kid, IndirectObject):
                    if kid.idnum in seen:
                        raise _Broken("the page tree has a loop")
                    seen.add(kid.idnum)
                pending.append(kid.get_object())
        else:
            count += 1
            if count > MAX_SCAN_PAGES:
                raise _too_many_pages()
    return count


def _object_numbers(reader: PdfReader) -> list[int]:
    numbers = set(reader.xref_objStm)
    for table in reader.xref.values():
        numbers.update(table)
    numbers.discard(0)
    return sorted(numbers)


def _walk_catalogue(trailer: DictionaryObject) -> None:
    """The document's own entries (names tree, open action) are checked by the object walk;
    the trailer is not an object and is looked at here."""
    for key in trailer:
        if key in _ACTIVE_KEYS:
            raise _active()


def _check_active(obj) -> None:
    pending = [obj]
    seen = 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > 100_000:
            raise _Broken("too deeply nested")
        if isinstance(item, IndirectObject):
            continue  # every object is visited on its own
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    raise _active()
                if key == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    raise _active()
                if key == "/Type" and isinstance(value, NameObject) and value in _ACTIVE_TYPES:
                    raise _active()
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)


_CHUNK = 1024 * 1024


def _unpacked_size(stream: StreamObject, budget: int) -> int:
    """What a stream unpacks to, counted in pieces of 1 MiB and stopped past the budget."""
    filters = stream.get("/Filter")
    if filters is None:
        return len(stream._data)
    names = list(filters) if isinstance(filters, ArrayObject) else [filters]
    if names == ["/FlateDecode"] or names == ["/Fl"]:
        inflater = zlib.decompressobj()
        data = stream._data
        total = 0
        piece = inflater.decompress(data, _CHUNK)
        while True:
            total += len(piece)
            if total > budget:
                return total
            if not inflater.unconsumed_tail:
                break
            piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        return total + len(inflater.flush())
    # Image codecs (JPEG, JPX, JBIG2, CCITT) pypdf hands back undecoded; the rest it decodes
    # with its own per-stream limit (75 MB), which the budget then counts.
    return len(stream.get_data())


# --- images --------------------------------------------------------------------------------


def _too_many_pixels() -> RuleError:
    return RuleError(
        _("The image has too many pixels (at most %(mp)s megapixels).")
        % {"mp": MAX_SCAN_PIXELS // 1_000_000}
    )


@contextlib.contextmanager
def _opened(content: bytes, expected: str) -> Iterator[Image.Image]:
    """The image, its size checked before a pixel is decoded. Pillow's own bomb guard
    (a warning past 89 megapixels, an error past twice that) answers the same."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _too_many_pixels() from error
    with image:
        if image.format != expected:
            raise _Broken(f"not a {expected}")
        width, height = image.size
        if width * height > MAX_SCAN_PIXELS:
            raise _too_many_pixels()
        yield image


def _check_png(content: bytes) -> None:
    end = _png_end(content)
    if end != len(content):
        raise _polyglot()
    with _opened(content, "PNG") as image:
        image.load()


def _png_end(content: bytes) -> int:
    """Where the PNG ends: after the checksum of its IEND chunk, each chunk checked."""
    position = 8
    first = True
    while True:
        if position + 12 > len(content):
            raise _Broken("truncated chunk")
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        data_end = position + 8 + length
        if data_end + 4 > len(content):
            raise _Broken("truncated chunk")
        if first and kind != b"IHDR":
            raise _Broken("IHDR must come first")
        first = False
        (crc,) = struct.unpack(">I", content[data_end : data_end + 4])
        if zlib.crc32(content[position + 4 : data_end]) != crc:
            raise _Broken(f"bad checksum in {kind!r}")
        position = data_end + 4
        if kind == b"IEND":
            return position


def _check_jpeg(content: bytes) -> None:
    end = _jpeg_end(content)
    if end != len(content):
        raise _polyglot()
    with _opened(content, "JPEG") as image:
        # Decodes every scan's coded data at an eighth of the size: complete, and small.
        image.draft(image.mode, (max(1, image.size[0] // 8), max(1, image.size[1] // 8)))
        image.load()


_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length


def _jpeg_end(content: bytes) -> int:
    """Where the JPEG ends: after its EOI marker, walking segments and coded data."""
    position = 2
    size = len(content)
    while position < size:
        if content[position] != 0xFF:
            raise _Broken("marker expected")
        while position < size and content[position] == 0xFF:
            position += 1  # fill bytes
        if position >= size:
            break
        marker = content[position]
        position += 1
        if marker == 0xD9:
            return position
        if marker in _STANDALONE:
            continue
        if position + 2 > size:
            break
        (length,) = struct.unpack(">H", content[position : position + 2])
        if length < 2:
            raise _Broken("bad segment length")
        position += length
        if marker == 0xDA:
            position = _after_coded_data(content, position)
    raise _Broken("no end of image")


def _after_coded_data(content: bytes, position: int) -> int:
    """The position of the first real marker after a scan's entropy-coded data."""
    while True:
        found = content.find(b"\xff", position)
        if found == -1 or found + 1 >= len(content):
            raise _Broken("coded data runs to the end")
        following = content[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position = found + 1 if following == 0xFF else found + 2
            continue
        return found
