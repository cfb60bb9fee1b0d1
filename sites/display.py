"""`get_FOO_display()` without translating every choice on every call."""

from __future__ import annotations

import functools

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels_by_value(field) -> dict | None:
    """The field's choices by value, built once. Labels stay lazy, so each call still
    answers in the reader's language. None for choices that are computed (country names,
    callables): those may differ between calls and keep Django's own lookup."""
    if not isinstance(field.choices, (list, tuple)):
        return None
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceDisplay:
    """Django rebuilds a dict of all choices on every `get_FOO_display()` call and hashes
    the labels while doing so, which translates each of them: showing a person's preferred
    language translated all forty language names, on every page that shows one."""

    def _get_FIELD_display(self, field):
        labels = _labels_by_value(field)
        if labels is None:
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
