"""Bilingual fixed texts for the printed agreement: German first, then the document language.

The German text is left bare (no element of its own): every element is a box WeasyPrint
lays out, and the labels are a third of the document's elements.
"""

import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html

register = template.Library()

# Free text on a PDF (a review's comments, successes, the client's answers) is typed without
# bounds. WeasyPrint lays out a word wider than its column by trying every break point
# (`overflow-wrap: anywhere`), quadratic in the word's length: a 20,000-character word took
# 90 s. So a long run of non-spaces gets a zero-width space every RUN characters (a
# break that costs nothing), and a text longer than LIMIT characters or LINES lines is
# cut there, with a note that the record has all of it.
FREE_TEXT_LIMIT = 3000
FREE_TEXT_LINES = 60
_RUN = re.compile(r"\S{20}(?=\S)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def _texts(context, key: str, choice: str, params: dict) -> tuple[str, str | None]:
    german = context["de"][key]
    other = context["x"][key] if context.get("x") else None
    if choice:
        german, other = german.get(choice, choice), other.get(choice, choice) if other else None
    if params:
        german = german % params
        other = other % {k: f"\u2068{v}\u2069" for k, v in params.items()} if other else None
    return german, (other if other != german else None)


def _pair(context, german: str, other: str | None, markup: str):
    """German alone, or German and the translation in `markup` (German first)."""
    if not other:
        return conditional_escape(german)
    return format_html(markup, german, context["x_lang"], context["x_dir"], other)


@register.simple_tag(takes_context=True)
def bi(context, key: str, choice: str = "", **params):
    """`{% bi "goals" %}` or `{% bi "area" goal.area %}` or `{% bi "reviews_text" months=3 %}`.

    The translation goes on its own line under the German text.
    """
    german, other = _texts(context, key, choice, params)
    return _pair(context, german, other, '{}<span class="x" lang="{}" dir="{}">{}</span>')


@register.simple_tag(takes_context=True)
def bi_inline(context, key: str, choice: str = ""):
    """`{% bi_inline "status" %}`: German and translation on one line, "Status / الحالة".

    The separator stays outside the right-to-left span so that it stands between the two.
    """
    german, other = _texts(context, key, choice, {})
    return _pair(context, german, other, '{} / <span lang="{}" dir="{}">{}</span>')


@register.simple_tag(takes_context=True)
def free_text(context, text: str):
    """`{% free_text review.successes %}`: the text as typed, line breaks kept, made safe to
    lay out (see FREE_TEXT_LIMIT); "–" when there is none."""
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    if not text:
        return "–"
    text = _BLANK_LINES.sub("\n", text)
    lines = text.split("\n")
    shortened = len(text) > FREE_TEXT_LIMIT or len(lines) > FREE_TEXT_LINES
    if shortened:
        lines = text[:FREE_TEXT_LIMIT].split("\n")[:FREE_TEXT_LINES]
        lines[-1] += " …"
    html = linebreaksbr("\n".join(_RUN.sub("\\g<0>\u200b", line) for line in lines))
    if not shortened:
        return html
    german, other = _texts(context, "shortened", "", {})
    note = _pair(context, german, other, '{}<span class="x" lang="{}" dir="{}">{}</span>')
    return format_html('{}<span class="shortened">{}</span>', html, note)
