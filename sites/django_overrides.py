"""Where this project replaces Django's own behaviour, and why: the one place to look.

Each replacement stays only while `bench/pages.py` shows it winning at least 10 % of a
page's server time. Measured 2026-12-01 on the 10k and 1M benchmark databases, ours and
Django's way alternating, 14 runs of 30-40 requests each on the caseload list (the only
page either touches measurably); the figure is the Django process's CPU time per request,
because wall time on the shared 2-core machine (load 4-6) moved by ±30 % between runs.

Removed after the same measurement (below 10 %): our `get_FOO_display()` (8-9 % of the
caseload, nothing on the person and agreement pages), skipping the review-interval check
constraint in the agreement form (one SELECT, ~1.3 ms per draft save). The draft save's
own UPDATE and the hand-set history users are measured and decided with the services.

1. `PlainSelect` replaces `forms.Select.render` for the caseload's five filter selects.
   Django renders every option through a template include (`django/forms/widgets/
   select_option.html`). Caseload list with Django's select: CPU +10 % (10k) / +12 % (1M),
   22.4 -> 24.6 and 22.7 -> 25.3 ms. Grouped choices keep Django's rendering.
   Removable when Django's form renderer stops paying a template lookup per option (no
   such change up to Django 5.2; re-measure on each new LTS, 6.2 in April 2027).

2. `day` and `day_time` replace `date:"d.m.Y"` and `date:"d.m.Y H:i"`. Django's `date`
   filter looks the format up, builds a `DateFormat` and walks the format string for each
   value (~16 µs); the caseload shows two dates in each of its 50 rows. Caseload list with
   Django's filter: CPU +19 % (10k) / +24 % (1M), 22.4 -> 26.6 and 22.7 -> 28.1 ms. Loaded
   explicitly with `{% load dates %}` (sites/templatetags/dates.py registers them).
   Removable when `django.utils.dateformat` caches compiled formats (not in Django 5.2;
   re-measure on each new LTS).
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """A select of plain options, written in Python (1. above)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"],
                        flatatt(option["attrs"]),
                        option["label"],
                    ),
                )
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def _day(value) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def day(value) -> str:
    """A date or datetime as 31.12.2026 (aware datetimes in the current time zone) (2.)."""
    try:
        return _day(value)
    except AttributeError:
        return ""


def day_time(value) -> str:
    """A datetime as 31.12.2026 14:05 (in the current time zone); a date as its day
    (where Django's filter would fail the whole page) (2.)."""
    try:
        text = _day(value)
    except AttributeError:
        return ""
    if not hasattr(value, "hour"):
        return text
    return f"{text} {value.hour:02d}:{value.minute:02d}"
