"""Where this project replaces Django's own behaviour, and why: the one place to look.

Each replacement stays only while `bench/pages.py` shows it winning at least 10 % of a
page's server time (re-measure on every Django upgrade; delete what no longer wins).
Measured 2026-12-01 on the 10k and 1M benchmark databases, ours and Django's way
alternating run by run. 1 and 2: 14 runs of 30-40 requests of the caseload list (the only
page they touch measurably), compared by the Django process's CPU time per request, as
wall time on the shared 2-core machine (load 4-6) moved by ±30 % between runs. 3 and 4:
3 runs of 30 requests per page at load ~2, server time (median of the runs' medians).

Each of the four below wins more than 10 % of a page, so all four stay. (The draft
save's own UPDATE and the hand-set history users are decided with the services.)

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

3. `ChoiceDisplay` replaces `Model._get_FIELD_display` (every `get_FOO_display()`) on
   the models of all three apps. Django rebuilds a dict of all choices on each call and
   hashes the labels while doing so, which translates every label (75 µs for a field of
   20 choices against 4 µs). Median of 3 interleaved runs at 10k/1M, server time with
   Django's lookup -> ours: person page 44.6/43.4 -> 36.7/36.0 ms (-18/-17 %), agreement
   page 26.5/25.2 -> 17.8/19.5 ms (-33/-23 %), dashboard 50.8/49.0 -> 43.6/45.3 ms
   (-14/-8 %); the caseload list moved within the noise. Computed choices (countries,
   callables) keep Django's lookup. Removable when `_get_FIELD_display` stops building
   the dict per call (Django 5.2 still does; re-measure on each new LTS).

4. `ConstraintsCheckedByTheForm` narrows `ModelForm._get_validation_exclusions` (a private
   Django method) so that a check constraint its form already enforces in a clean method
   is not validated again through the database (SAVEPOINT, SELECT, RELEASE). Used by the
   agreement form for the review interval. The draft save in bench/pages.py (which
   validates the form as the edit page does): 2 statements, 1.71-1.91 / 2.30-2.54 ms DB
   time at 10k/1M with it; 5 statements, 2.46-3.37 / 3.37-4.11 ms without (+30-75 %).
   Removable when Django can skip one constraint's validation publicly (nothing in 5.2;
   `Model.validate_constraints(exclude=)` is the only switch), or if the services
   validate the cleaned values themselves instead of the ModelForm.
"""

from __future__ import annotations

import functools

from django import forms
from django.forms.utils import flatatt
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
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


@functools.cache
def _labels_by_value(field) -> dict | None:
    """The field's choices by value, built once. Labels stay lazy, so each call still
    answers in the reader's language. None for choices that are computed (country names,
    callables): those may differ between calls and keep Django's own lookup."""
    if not isinstance(field.choices, (list, tuple)):
        return None
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceDisplay:
    """A model mixin (3. above): `get_FOO_display()` from the field's choices built once.
    Django rebuilds the dict on every call and hashes the labels while doing so, which
    translates each of them: showing a person's preferred language translated all forty
    language names, on every page that shows one."""

    def _get_FIELD_display(self, field):
        labels = _labels_by_value(field)
        if labels is None:
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class ConstraintsCheckedByTheForm:
    """A ModelForm mixin: the model's constraints on `checked_by_form` fields are not
    validated again through the database (4. above); the form's own clean method checks
    the same rule and the constraint still guards the table."""

    checked_by_form: frozenset[str] = frozenset()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self.checked_by_form
