"""Bilingual fixed texts for the printed agreement: German first, then the document language.

The German text is left bare (no element of its own): every element is a box WeasyPrint
lays out, and the labels are a third of the document's elements.
"""

from django import template
from django.utils.html import conditional_escape, format_html

register = template.Library()


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
