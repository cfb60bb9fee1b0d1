"""Every user-facing text reaches the user in the language they chose.

Three ways a text can slip through: its catalogue entry is empty or fuzzy (Django then
shows the English msgid, or nothing of the German); the code marks it but the catalogue
was not refreshed (no entry at all); or a template writes it as plain text that was never
marked. The English catalogue echoes the msgids (tools/fill_en_catalogue.py).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.fill_en_catalogue import Entry, parse

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "en")
TEMPLATES = ROOT / "templates"

# Static pages served when the database or Django itself is down: they cannot use the
# catalogue and are deliberately bilingual.
STATIC_PAGES = {"500.html", "503.html"}

# Text that is the same in every language: names, file formats, units, identifiers.
# Keep this short: anything a German speaker would write differently does not belong here.
ALLOWED_TEXT = {
    "PDF",  # file format
    "JSON",  # file format
    "CSV",  # file format
    "XLSX",  # file format
    "SHA-256",  # hash algorithm
    "QR",  # QR code
    # The language switcher names each language in that language, whatever the UI speaks.
    "Deutsch",
    "English",
}

# Attributes a browser shows or reads out; every other attribute is markup.
READABLE_ATTRIBUTES = (
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "data-confirm",  # static/js asks for confirmation with this text
    "hx-confirm",  # htmx asks for confirmation with this text
)
# <meta name=... content=...> that end up in a document's properties (PDF metadata).
READABLE_META = ("description", "keywords")


def catalogue(language: str) -> list[Entry]:
    entries = parse(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    return [entry for entry in entries if entry.obsolete is None and not entry.is_header]


def describe(entry: Entry) -> str:
    return repr(entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}|{entry.msgid}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    untranslated = [describe(e) for e in catalogue(language) if not all(e.translations)]
    fuzzy = [describe(e) for e in catalogue(language) if e.fuzzy]

    assert (untranslated, fuzzy) == ([], []), f"untranslated: {untranslated}; fuzzy: {fuzzy}"


def test_english_catalogue_echoes_the_msgids():
    differing = [
        describe(entry)
        for entry in catalogue("en")
        if entry.translations
        != ([entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural])
    ]

    assert differing == [], f"run tools/fill_en_catalogue.py: {differing}"


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(language):
    broken = []
    for entry in catalogue(language):
        if "python-format" not in entry.flags and "python-brace-format" not in entry.flags:
            continue
        if entry.msgid_plural is None:
            if placeholders(entry.translations[0]) != placeholders(entry.msgid):
                broken.append(describe(entry))
            continue
        # A singular may leave out the count ("one entry"), never add an unknown name.
        known = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        unknown = any(not set(placeholders(text)) <= known for text in entry.translations)
        if unknown or placeholders(entry.translations[-1]) != placeholders(entry.msgid_plural):
            broken.append(describe(entry))

    assert broken == [], f"placeholders differ from the msgid: {broken}"


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """What `make messages` would add: strings marked in code or templates but not yet merged."""
    # In a copy of the tree: makemessages writes helper files beside the templates it
    # reads, and its catalogue goes to LOCALE_PATHS - both must stay out of the real tree.
    copy = tmp_path / "tree"
    ignored = shutil.ignore_patterns(
        ".git",
        ".venv",
        "node_modules",
        "vendor",
        "var",
        "results",
        "screenshots",
        "__pycache__",
        "*.pyc",
        "*.mo",
        "locale",
    )
    shutil.copytree(ROOT, copy, ignore=ignored)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location", "-v0"],
        cwd=copy,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    marked = {
        (entry.msgctxt, entry.msgid)
        for entry in parse(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
        if entry.obsolete is None and not entry.is_header
    }

    for language in LANGUAGES:
        present = {(entry.msgctxt, entry.msgid) for entry in catalogue(language)}
        missing = sorted(msgid for _ctx, msgid in marked - present)
        assert missing == [], (
            f"not in the {language} catalogue (merge with make messages): {missing}"
        )


# --- templates -------------------------------------------------------------------------

COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
TRANSLATE_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
TEMPLATE_COMMENT = re.compile(r"{#.*?#}", re.S)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
INVISIBLE_ELEMENT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
TAG = re.compile(r"<[^<>]*>", re.S)
ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
CSS_CONTENT = re.compile(r"\bcontent\s*:([^;}]*)")
CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
# Two letters make a word; a lone letter is a symbol or an abbreviation such as "v2".
WORD = re.compile(r"[^\W\d_]{2,}")
ALLOWED_WORD = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ALLOWED_TEXT)) + r")(?![\w-])")


def unmarked_texts(source: str) -> list[str]:
    """The human-readable texts of a template that no {% translate %} covers."""
    source = COMMENT_BLOCK.sub(" ", source)
    source = TEMPLATE_COMMENT.sub(" ", source)
    source = TRANSLATE_BLOCK.sub(" ", source)
    # {% translate %} and {{ variables }} become nothing; their neighbours stay apart.
    source = TEMPLATE_CODE.sub(" ", source)
    source = HTML_COMMENT.sub(" ", source)
    found: list[str] = []
    # CSS prints `content:` strings, e.g. the running footer of a PDF page.
    for style in STYLE_ELEMENT.findall(source):
        for value in CSS_CONTENT.findall(style):
            found.append(" ".join(double or single for double, single in CSS_STRING.findall(value)))
    source = INVISIBLE_ELEMENT.sub(" ", source)
    for tag in TAG.findall(source):
        attributes = {
            name.lower(): double or single for name, double, single in ATTRIBUTE.findall(tag)
        }
        found += [value for name, value in attributes.items() if name in READABLE_ATTRIBUTES]
        if tag[1:5].lower() == "meta" and attributes.get("name") in READABLE_META:
            found.append(attributes.get("content", ""))
    found += TAG.split(source)
    texts = []
    for chunk in found:
        text = " ".join(html.unescape(chunk).split())
        if WORD.search(ALLOWED_WORD.sub(" ", text)):
            texts.append(text)
    return texts


def template_files() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if str(path.relative_to(TEMPLATES)) not in STATIC_PAGES
    )


@pytest.mark.parametrize("name", template_files())
def test_template_marks_every_text_for_translation(name):
    texts = unmarked_texts((TEMPLATES / name).read_text(encoding="utf-8"))

    assert texts == [], f"not marked for translation: {texts}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>{% translate 'Saved' %}</p>", []),
        ("<p>Saved</p>", ["Saved"]),
        ("{% blocktranslate with n=x %}Hello {{ n }}{% endblocktranslate %}", []),
        ('<a title="Open" href="/x/">{{ name }}</a>', ["Open"]),
        ('<a title="{% translate \'Open\' %}" class="btn-primary">→ 1.</a>', []),
        ("{% if ok %}Yes{% endif %}", ["Yes"]),
        ("{# note #}<script>let a = 'b';</script><!-- c --><p>PDF · 3 &amp; 4</p>", []),
        ("{% comment %}Only for us{% endcomment %}<td>&ndash;</td>", []),
        ("<p>Größe</p>", ["Größe"]),
        ("<td>{{ number }} v{{ version }}</td>", []),
        (
            '<meta name="description" content="Agreement {{ n }}">'
            '<meta name="author" content="{{ a }}">',
            ["Agreement"],
        ),
        ('<style>@page { @bottom-center { content: "Page " counter(page); } }</style>', ["Page"]),
        ("<style>body { font-family: 'Doc'; }</style>", []),
    ],
)
def test_unmarked_texts_finds_plain_text_and_readable_attributes(source, expected):
    assert unmarked_texts(source) == expected
