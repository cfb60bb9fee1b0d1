"""Bilingual fixed texts for the printed agreement: German first, then the document language."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def bi(context, key: str, choice: str = "", **params):
    """`{% bi "goals" %}` or `{% bi "area" goal.area %}` or `{% bi "reviews_text" months=3 %}`."""
    german = context["de"][key]
    other = context["x"][key] if context.get("x") else None
    if choice:
        german, other = german.get(choice, choice), other.get(choice, choice) if other else None
    if params:
        german = german % params
        other = other % {k: f"\u2068{v}\u2069" for k, v in params.items()} if other else None
    if not other or other == german:
        return format_html('<span class="de">{}</span>', german)
    return format_html(
        '<span class="de">{}</span><span class="x" lang="{}" dir="{}">{}</span>',
        german,
        context["x_lang"],
        context["x_dir"],
        other,
    )
